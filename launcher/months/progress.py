"""What the month driver calls on the live view of a month, and the rate meter views share."""

from __future__ import annotations

from collections import deque
from typing import Protocol

from launcher.records.snapshots import MonthSnapshot

RATE_WINDOW_S = 2.0


class LiveProgress(Protocol):
    """The month driver's view: told when a month starts, at every status poll, and at its end."""

    def begin(self, backstop_s: float, expected_shoppers: int) -> None:
        """A month opened; it closes by itself after ``backstop_s`` at the latest."""

    def update(self, snapshot: MonthSnapshot, elapsed_s: float) -> None:
        """One status poll, ``elapsed_s`` after the month started trading."""

    def end(self) -> None:
        """The month is closed (its last snapshot came through ``update``)."""


class RateMeter:
    """Per-second rate of a growing counter over a sliding time window."""

    def __init__(self, window_s: float = RATE_WINDOW_S) -> None:
        self._window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, at: float, value: int) -> float:
        """Records ``value`` at time ``at`` (seconds) and returns the rate over the window."""
        self._samples.append((at, value))
        # Keep one sample older than the window, so the rate spans the whole window.
        while len(self._samples) > 2 and at - self._samples[1][0] >= self._window_s:
            self._samples.popleft()
        first_at, first = self._samples[0]
        span = at - first_at
        return (value - first) / span if span > 0 else 0.0
