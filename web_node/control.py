"""The lecturer's controls: the web node's client of the launcher's local control endpoint, and its route."""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from web_node import guarded
from web_node.replies import refused
from web_node.security import BrowserGuard

TIMEOUT_S = 15.0
logger = logging.getLogger(__name__)

ACTIONS = ("kill", "restart", "cut", "restore", "latency")
# The latencies the page offers (ms); the launcher's relay takes any from 0 to 10 s.
LATENCIES_MS = (0, 200, 1000)


class ControlError(Exception):
    """The control endpoint could not be reached or answered garbage."""


class ControlClient:
    """Talks HTTP to the launcher's endpoint on loopback (httpx), with the run's control token.

    Args:
        url: ``http://127.0.0.1:PORT`` as the launcher passed it.
        token: The bearer token the launcher passed by environment.
    """

    def __init__(self, url: str, token: str) -> None:
        self._url = url
        self._token = token

    async def nodes(self) -> list[dict[str, Any]]:
        """The controllable nodes and whether each runs."""
        _, reply = await self._call("GET", "/nodes")
        nodes: list[dict[str, Any]] = reply.get("nodes", [])
        return nodes

    async def act(self, slug: str, action: str, value: str = "") -> tuple[int, dict[str, Any]]:
        """Kills, restarts, cuts, restores or slows (``value``: ms) a node; the status and reply."""
        path = f"/nodes/{urllib.parse.quote(slug, safe='')}/{action}"
        return await self._call("POST", path + (f"/{urllib.parse.quote(value, safe='')}" if value else ""))

    async def request(self, method: str, path: str) -> tuple[int, dict[str, Any]]:
        """Any request to the endpoint (``/simulation/...``); its status and reply."""
        return await self._call(method, path)

    async def _call(self, method: str, path: str) -> tuple[int, dict[str, Any]]:
        try:
            # trust_env off: the endpoint is on loopback, never behind a proxy from the environment.
            async with httpx.AsyncClient(base_url=self._url, timeout=TIMEOUT_S, trust_env=False) as client:
                response = await client.request(
                    method, path, headers={"Authorization": f"Bearer {self._token}"}
                )
            reply = response.json()
            if not isinstance(reply, dict):
                raise ValueError("not a JSON object")
        except (httpx.HTTPError, ValueError) as error:
            # The cause goes to the log; a person reads the project's own sentence.
            logger.info("the launcher's controls did not answer %s %s: %r", method, path, error)
            raise ControlError("The launcher's controls are not answering; try again in a moment.") from None
        return response.status_code, reply


def control_routes(client: ControlClient, guard: BrowserGuard) -> list[Route]:
    """``POST /api/control`` ``{"node": slug, "action": ..., "latency_ms": n}``, for the logged-in operator.

    The action is kill, restart, cut, restore or latency (with ``latency_ms``, one of ``LATENCIES_MS``).
    """

    @guarded.write(guard)
    async def control(request: Request, body: dict[str, Any]) -> Response:
        if not guard.is_operator(request):
            return refused(403, "Log in on Headquarters with the operator key first.", "NOT_OPERATOR")
        node, action = guarded.text(body, "node", 100), str(body.get("action", ""))
        if node is None:
            return refused(400, "Name the node to act on.", "MALFORMED")
        if action not in ACTIONS:
            return refused(400, "The action is kill, restart, cut, restore or latency.", "MALFORMED")
        value = ""
        if action == "latency":
            latency = body.get("latency_ms")
            if latency not in LATENCIES_MS or isinstance(latency, bool):
                choices = ", ".join(str(ms) for ms in LATENCIES_MS)
                return refused(400, f"The latency is one of {choices} ms.", "MALFORMED")
            value = str(latency)
        try:
            status, reply = await client.act(node, action, value)
        except ControlError as error:
            return refused(503, str(error), "NO_CONTROLS")
        return JSONResponse(reply, status_code=status)

    return [Route("/api/control", control, methods=["POST"])]
