"""Checks at the door, before any route reads a byte: the Host header names this node, the body is small."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
from collections.abc import Iterable, Mapping

from starlette.datastructures import Headers
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# The API's bodies are small flat objects; a page body never needs more.
BODY_LIMITS: Mapping[str, int] = {
    "/api/hq/login": 2048,
    "/api/shop/register": 2048,
    "/api/shop/checkout": 1024,
    "/api/shop/cart/add": 1024,
    "/api/shop/cart/remove": 1024,
    "/api/shop/signout": 1024,
    "/api/hq/logout": 1024,
    "/api/control": 1024,
    "/api/simulation": 1024,
}
# Every other path (pages, streams, static files) takes no body worth reading.
DEFAULT_BODY_LIMIT = 1024


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> list[str]:
    """The names a Host header may give: loopback, the bound address (and this machine's name on a
    wildcard bind), and ``extra`` names configured for the room."""
    hosts = [*LOOPBACK_NAMES, *(name.strip().lower() for name in extra if name.strip())]
    try:
        wildcard = ipaddress.ip_address(bound).is_unspecified
    except ValueError:
        wildcard = False
    if wildcard:
        hosts += [socket.gethostname().lower(), socket.getfqdn().lower()]
    elif bound:
        hosts.append(bound.lower())
    return list(dict.fromkeys(hosts))


# Set in the scope once the Host check let a request through.
_PASSED = "distribution.host_passed"


class HostCheck:
    """ASGI middleware: starlette's Host check (400 for a name not in ``hosts``), each refusal logged."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self._app = app
        self._check = TrustedHostMiddleware(self._passed, allowed_hosts=list(hosts), www_redirect=False)

    async def _passed(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[_PASSED] = True
        await self._app(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._check(scope, receive, send)
        if scope["type"] == "http" and not scope.get(_PASSED):
            logger.info("refused 400 BAD_HOST: %r", Headers(scope=scope).get("host", "")[:100])


class _TooLarge(Exception):
    pass


async def _refuse(send: Send, status: int, message: str, reason: str) -> None:
    body = json.dumps({"error": message, "reason": reason}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: 413 for a body over its route's limit, by its Content-Length or as it arrives."""

    def __init__(
        self, app: ASGIApp, limits: Mapping[str, int] = BODY_LIMITS, default: int = DEFAULT_BODY_LIMIT
    ) -> None:
        self._app = app
        self._limits = limits
        self._default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        limit = self._limits.get(scope["path"], self._default)
        message = f"The request is too large (at most {limit:,} bytes)."
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > limit:
            logger.info("refused 413 TOO_LARGE: %s declared %s bytes", scope["path"], declared[:20].decode())
            await _refuse(send, 413, message, "TOO_LARGE")
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            got = await receive()
            received += len(got.get("body", b""))
            if received > limit:
                raise _TooLarge
            return got

        async def watched(reply: Message) -> None:
            nonlocal started
            started = started or reply["type"] == "http.response.start"
            await send(reply)

        try:
            await self._app(scope, counted, watched)
        except _TooLarge:
            logger.info("refused 413 TOO_LARGE: %s sent more than %d bytes", scope["path"], limit)
            if not started:
                await _refuse(send, 413, message, "TOO_LARGE")
