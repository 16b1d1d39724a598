"""The web node's own figure for Prometheus: the server-sent event streams open."""

from __future__ import annotations

from collections.abc import AsyncIterator

from prometheus_client import Gauge

OPEN_STREAMS = Gauge("distribution_web_event_streams", "Server-sent event streams open (every page).")


async def counted(events: AsyncIterator[str]) -> AsyncIterator[str]:
    """``events``, counted among the open streams while it runs."""
    OPEN_STREAMS.inc()
    try:
        async for event in events:
            yield event
    finally:
        OPEN_STREAMS.dec()
