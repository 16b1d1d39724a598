"""Headquarters' log-in: the operator key, throttled and checked in constant time, exchanged for a session."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web_node import guarded
from web_node.replies import ok, refused
from web_node.security import OPERATOR_COOKIE, BrowserGuard, delete_cookie, set_cookie
from web_node.throttle import retry_after

logger = logging.getLogger(__name__)

# Longer than any key a person types; a longer one is wrong without a comparison.
MAX_KEY = 1024


def client_address(request: Request) -> str:
    """The address the try came from (the peer: this node trusts no forwarding header)."""
    return request.client.host if request.client else ""


def hq_routes(guard: BrowserGuard) -> list[Route]:
    """Log-in, log-out and whether this browser is logged in, under ``/api/hq``."""
    write = guarded.write(guard)

    async def session(request: Request) -> Response:
        # Always 200: a page asks to know whether to show the operator's view, not to be refused.
        return ok({"operator": guard.is_operator(request)})

    @write
    async def login(request: Request, body: dict[str, Any]) -> Response:
        address = client_address(request)
        wait_s = guard.throttle.wait_s(address)
        if wait_s > 0:
            reply = refused(429, "Too many wrong keys: wait a moment, then try again.", "TOO_MANY_TRIES")
            reply.headers["Retry-After"] = retry_after(wait_s)
            return reply
        if not guard.key_matches(guarded.text(body, "key", MAX_KEY) or ""):
            guard.throttle.wrong(address)
            return refused(403, "Wrong operator key.", "WRONG_KEY")
        guard.throttle.right(address)
        logger.info("operator logged in from %s", address)
        response = ok({})
        set_cookie(request, response, OPERATOR_COOKIE, guard.sessions.open())
        return response

    @write
    async def logout(request: Request, body: dict[str, Any]) -> Response:
        guard.sessions.close(request.cookies.get(OPERATOR_COOKIE, ""))
        response = ok({})
        delete_cookie(request, response, OPERATOR_COOKIE)
        return response

    return [
        Route("/api/hq/login", login, methods=["POST"]),
        Route("/api/hq/logout", logout, methods=["POST"]),
        Route("/api/hq/session", session, methods=["GET"]),
    ]
