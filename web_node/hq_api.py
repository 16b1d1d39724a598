"""Headquarters' login: the operator key, checked in constant time, exchanged for an HttpOnly cookie."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web_node import guarded
from web_node.replies import ok, refused
from web_node.security import OPERATOR_COOKIE, Guard, set_cookie


def hq_routes(guard: Guard) -> list[Route]:
    """Login and logout under ``/api/hq``."""
    write = guarded.write(guard)

    @write
    async def login(request: Request, body: dict[str, Any]) -> Response:
        if not guard.key_matches(str(body.get("key", ""))):
            return refused(403, "Wrong operator key.", "WRONG_KEY")
        response = ok({})
        set_cookie(response, OPERATOR_COOKIE, guard.operator_cookie())
        return response

    @write
    async def logout(request: Request, body: dict[str, Any]) -> Response:
        response = ok({})
        response.delete_cookie(OPERATOR_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    return [
        Route("/api/hq/login", login, methods=["POST"]),
        Route("/api/hq/logout", logout, methods=["POST"]),
    ]
