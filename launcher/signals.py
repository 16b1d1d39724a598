"""Turns SIGINT, SIGTERM and SIGHUP into an awaitable, so the launcher can stop its children."""

from __future__ import annotations

import asyncio
import signal

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopSignals:
    """Catches the stop signals while active; ``received`` tells which came first."""

    def __init__(self) -> None:
        self.received: signal.Signals | None = None
        self._event = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    def __enter__(self) -> StopSignals:
        for sig in STOP_SIGNALS:
            self._loop.add_signal_handler(sig, self._on_signal, sig)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sig in STOP_SIGNALS:
            self._loop.remove_signal_handler(sig)

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
