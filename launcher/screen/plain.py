"""Plain lines for a pipe or ``--quiet``: faults and recoveries as they happen, nothing redrawn."""

from __future__ import annotations

from typing import TextIO

from launcher.screen.ticker import Kind, TickerEvent

# The month summaries say the rest, once a month.
PLAIN_KINDS = frozenset({Kind.FAULT, Kind.RECOVERY})


class PlainLog:
    """A board listener that writes the events worth a line of their own."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def __call__(self, event: TickerEvent) -> None:
        if event.kind in PLAIN_KINDS:
            self._out.write(f"{event.at:%H:%M:%S} {event.kind.value}: {event.text}\n")
            self._out.flush()
