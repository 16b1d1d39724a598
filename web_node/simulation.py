"""The lecturer's simulation controls on the dashboard: pause, resume and the pace, through the launcher.

The pause itself is the central's (the launcher asks it); every open page sees it from the
month status it already follows. A pace change applies from the next month the launcher opens.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from web_node import guarded
from web_node.control import ControlClient, ControlError
from web_node.replies import refused
from web_node.security import BrowserGuard

PACES = ("brisk", "normal", "slow")
NOT_OPERATOR = "Log in on Headquarters with the operator key first."


def simulation_routes(client: ControlClient, guard: BrowserGuard) -> list[Route]:
    """``GET /api/simulation`` (the paces) and ``POST /api/simulation`` ``{"action": ..., "pace": ...}``."""

    async def show(request: Request) -> Response:
        if not guard.is_operator(request):
            return refused(403, NOT_OPERATOR, "NOT_OPERATOR")
        return await _relay(client, "GET", "/simulation")

    @guarded.write(guard)
    async def act(request: Request, body: dict[str, Any]) -> Response:
        if not guard.is_operator(request):
            return refused(403, NOT_OPERATOR, "NOT_OPERATOR")
        action = str(body.get("action", ""))
        if action in ("pause", "resume"):
            return await _relay(client, "POST", f"/simulation/{action}")
        pace = str(body.get("pace", ""))
        if action == "pace" and pace in PACES:
            return await _relay(client, "POST", f"/simulation/pace/{pace}")
        return refused(400, "The action is pause, resume or pace (brisk, normal or slow).", "MALFORMED")

    return [Route("/api/simulation", show, methods=["GET"]), Route("/api/simulation", act, methods=["POST"])]


async def _relay(client: ControlClient, method: str, path: str) -> Response:
    try:
        status, reply = await client.request(method, path)
    except ControlError as error:
        return refused(503, str(error), "NO_CONTROLS")
    return JSONResponse(reply, status_code=status)
