"""Turns the launcher's stop signals into an awaitable, so it can stop its children."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from nodekit.platform import install_stop_handlers, launcher_stop_signals


class StopSignals:
    """Catches the stop signals while active; ``received`` tells which came first.

    SIGINT, SIGTERM and SIGHUP on POSIX; SIGINT, SIGTERM and SIGBREAK on Windows.
    """

    def __init__(self, platform: str | None = None) -> None:
        self.received: signal.Signals | None = None
        self._event = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._signals = launcher_stop_signals(platform)
        self._remove: Callable[[], None] | None = None

    def __enter__(self) -> StopSignals:
        self._remove = install_stop_handlers(self._loop, self._signals, self._on_signal)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._remove is not None:
            self._remove()
            self._remove = None

    async def wait(self) -> signal.Signals:
        """Returns the first stop signal once one arrives."""
        await self._event.wait()
        assert self.received is not None
        return self.received

    def _on_signal(self, sig: signal.Signals) -> None:
        # A second Ctrl-C while stopping changes nothing: the stop is already bounded.
        if self.received is None:
            self.received = sig
        self._event.set()
