"""Event-loop choice and signal-driven shutdown shared by every node's entry point."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from typing import Any


def run(main: Coroutine[Any, Any, int]) -> int:
    """Runs ``main`` on uvloop where installed (15-30% faster gRPC), else asyncio."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a Linux dependency
        return asyncio.run(main)
    return uvloop.run(main)


def stop_event_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT, so a node can drain and exit 0."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
