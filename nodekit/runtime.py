"""Event-loop choice and signal-driven shutdown shared by every node's entry point."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from nodekit.lifeline import watch_launcher
from nodekit.platform import install_stop_handlers, node_stop_signals


def run(main: Coroutine[Any, Any, int]) -> int:
    """Runs ``main`` on uvloop where installed (15-30% faster gRPC), else asyncio.

    A node started by the launcher also watches it from the first moment (see ``nodekit.lifeline``).
    """
    watch_launcher()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is not installed on Windows
        return asyncio.run(main)
    return uvloop.run(main)


def stop_event_on_signals() -> asyncio.Event:
    """An event set by a stop signal (SIGTERM, SIGINT; on Windows SIGBREAK), so a node can drain, exit 0."""
    stop = asyncio.Event()
    install_stop_handlers(asyncio.get_running_loop(), node_stop_signals(), lambda _sig: stop.set())
    return stop
