"""Server-sent events: each page follows one topic and gets its newest payload, pushed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from web_node.live import Live
from web_node.metrics import counted
from web_node.replies import refused
from web_node.security import BrowserGuard
from web_node.topic import Topic

# A comment line this often keeps proxies and the browser from taking a quiet stream for dead.
KEEPALIVE_S = 15.0


def _always() -> bool:
    return True


async def _events(topic: Topic, allowed: Callable[[], bool]) -> AsyncIterator[str]:
    async for payload in topic.follow(KEEPALIVE_S):
        if not allowed():
            # The session behind this stream ended (log-out or expiry): no more of its figures.
            return
        if payload is None:
            yield ": keepalive\n\n"
        else:
            yield f"data: {payload}\n\n"


def _stream(topic: Topic, allowed: Callable[[], bool] = _always) -> StreamingResponse:
    return StreamingResponse(
        counted(_events(topic, allowed)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def stream_routes(live: Live, guard: BrowserGuard) -> list[Route]:
    """``/events/dashboard``, ``/events/catalog`` and, for the operator, ``/events/hq``."""

    async def dashboard(request: Request) -> Response:
        return _stream(live.dashboard)

    async def catalog(request: Request) -> Response:
        return _stream(live.catalog)

    async def hq(request: Request) -> Response:
        if not guard.is_operator(request):
            return refused(403, "Log in with the operator key.", "NOT_OPERATOR")
        return _stream(live.hq, lambda: guard.is_operator(request))

    return [
        Route("/events/dashboard", dashboard),
        Route("/events/catalog", catalog),
        Route("/events/hq", hq),
    ]
