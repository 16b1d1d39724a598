"""Cookies and checks that keep the pages safe: CSRF tokens, the operator login, same-origin writes.

- Every browser gets a random ``csrf`` cookie (HttpOnly, SameSite=Strict); the page carries
  HMAC(secret, cookie) and every POST must send it back in ``X-CSRF-Token`` with a JSON body
  (which a cross-site form cannot send) and, when the browser says where it came from, an
  ``Origin`` of this very site.
- The operator's key is compared in constant time, after the throttle allows a try; a right
  key opens a server-side session whose random id is the ``hq`` cookie (never the key itself);
  log-out ends it and it expires on its own.
- Cookies are Secure when the page came over HTTPS.
- The secret is random per process: a restarted web node asks for a reload and a new login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from web_node.bodies import encodable
from web_node.sessions import OperatorSessions
from web_node.throttle import KeyThrottle

CSRF_COOKIE = "csrf"
CSRF_HEADER = "x-csrf-token"
OPERATOR_COOKIE = "hq"
SHOP_COOKIE = "shop"


def same_origin(request: Request) -> bool:
    """True unless the browser names another origin than this site's."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        # Browsers send Origin on every cross-site POST; its absence means same-site or no browser.
        return origin is None
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A cookie the page's scripts cannot read, no other site's request carries, and HTTPS keeps to itself."""
    secure = request.url.scheme == "https"
    response.set_cookie(name, value, httponly=True, samesite="strict", path="/", secure=secure)


def delete_cookie(request: Request, response: Response, name: str) -> None:
    """Removes a cookie set by ``set_cookie``."""
    secure = request.url.scheme == "https"
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=secure)


@dataclass(frozen=True, slots=True)
class BrowserGuard:
    """Signs and checks the CSRF token; checks the operator key and the operator's sessions.

    Args:
        operator_key: The key headquarters asks for; empty refuses every key.
        secret: HMAC key; random unless given (tests).
        sessions: The operator's open sessions.
        throttle: The brake on guessing the key.
    """

    operator_key: str
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    sessions: OperatorSessions = field(default_factory=OperatorSessions)
    throttle: KeyThrottle = field(default_factory=KeyThrottle)

    def _sign(self, text: str) -> str:
        return hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()

    def csrf_seed(self, request: Request) -> tuple[str, bool]:
        """The browser's CSRF cookie, and whether it is new (to be set on the response)."""
        seed = request.cookies.get(CSRF_COOKIE, "")
        if len(seed) >= 32:
            return seed, False
        return secrets.token_urlsafe(32), True

    def csrf_token(self, seed: str) -> str:
        """The token a page sends back with every POST."""
        return self._sign(f"csrf:{seed}")

    def write_allowed(self, request: Request) -> bool:
        """Whether a POST carries this browser's CSRF token, a JSON body and no foreign origin."""
        seed = request.cookies.get(CSRF_COOKIE, "")
        sent = request.headers.get(CSRF_HEADER, "")
        json_body = request.headers.get("content-type", "").split(";")[0].strip() == "application/json"
        return (
            bool(seed)
            and json_body
            and same_origin(request)
            and hmac.compare_digest(sent.encode(), self.csrf_token(seed).encode())
        )

    def key_matches(self, offered: str) -> bool:
        """Constant-time comparison with the operator key; always False without one."""
        if not self.operator_key or not encodable(offered):
            return False
        return hmac.compare_digest(offered.encode(), self.operator_key.encode())

    def is_operator(self, request: Request) -> bool:
        """Whether the request carries the cookie of an open operator session."""
        if not self.operator_key:
            return False
        return self.sessions.valid(request.cookies.get(OPERATOR_COOKIE, ""))
