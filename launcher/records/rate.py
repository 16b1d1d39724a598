"""A per-second rate over a sliding window, which the screen and the months' feed share."""

from __future__ import annotations

from collections import deque

RATE_WINDOW_S = 2.0


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
