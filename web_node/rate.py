"""Orders per second over the last minute, from the order count the central reports."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW_S = 60.0


@dataclass(slots=True)
class OrderRate:
    """Turns successive (month, order count, time) readings into a series of orders per second.

    A new month starts its count from 0, so the first reading of a month is a base, not a rate.
    """

    samples: deque[tuple[float, float]] = field(default_factory=deque)
    _base: tuple[int, int, float] | None = None

    def observe(self, month: int, order_count: int, now: float) -> None:
        """Adds the rate since the last reading of the same month."""
        base, self._base = self._base, (month, order_count, now)
        if base is not None and base[0] == month and now > base[2]:
            self.samples.append((now, max(0, order_count - base[1]) / (now - base[2])))
        while self.samples and self.samples[0][0] < now - WINDOW_S:
            self.samples.popleft()

    def series(self, now: float) -> list[list[float]]:
        """``[[seconds ago, orders per second], ...]``, oldest first."""
        return [[round(now - at, 2), round(rate, 2)] for at, rate in self.samples]
