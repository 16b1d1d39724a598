"""Orders per second over the last minute, from the order count the central reports."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW_S = 60.0
# The shortest interval a rate is taken over: readings come as fast as every 0.1 s when the
# catalog changes, and a handful of orders in such a sliver read as a spike tens of times the
# real rate (the chart opened with one as the month's first orders came in).
MIN_SPAN_S = 1.0


@dataclass(slots=True)
class OrderRate:
    """Turns successive (month, order count, time) readings into a series of orders per second.

    A new month starts its count from 0, so the first reading of a month is a base, not a rate;
    a reading less than ``MIN_SPAN_S`` after the base waits for a later one to span the interval.
    """

    samples: deque[tuple[float, float]] = field(default_factory=deque)
    _base: tuple[int, int, float] | None = None

    def observe(self, month: int, order_count: int, now: float) -> None:
        """Adds the rate since the base reading of the same month, once ``MIN_SPAN_S`` has passed."""
        base = self._base
        if base is None or base[0] != month or order_count < base[1]:
            self._base = (month, order_count, now)
        elif now - base[2] >= MIN_SPAN_S:
            self.samples.append((now, (order_count - base[1]) / (now - base[2])))
            self._base = (month, order_count, now)
        while self.samples and self.samples[0][0] < now - WINDOW_S:
            self.samples.popleft()

    def series(self, now: float) -> list[list[float]]:
        """``[[seconds ago, orders per second], ...]``, oldest first."""
        return [[round(now - at, 2), round(rate, 2)] for at, rate in self.samples]
