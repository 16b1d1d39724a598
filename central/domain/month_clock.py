"""The month's clock: time paused, and when the deadline falls once the pauses are added.

A month opened at ``opened_at`` with a length of ``close_after_seconds`` closes at
``opened_at + close_after_seconds + paused``, where ``paused`` is every finished pause
(``paused_ms``) plus, while the month is paused, the pause in progress (``now - paused_at``).
While paused the deadline is not due: ``deadline`` says when it would be if resumed now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class MonthClock:
    """A month's clock as its row stores it.

    Attributes:
        opened_at: When the month opened (its clock started).
        close_after_seconds: The month's length; 0 means no deadline.
        paused_ms: Time paused before the pause in progress.
        paused_at: When the pause in progress began; None while the clock runs.
    """

    opened_at: datetime
    close_after_seconds: int
    paused_ms: int
    paused_at: datetime | None

    @property
    def paused(self) -> bool:
        """Whether the clock is stopped now."""
        return self.paused_at is not None

    def paused_for(self, now: datetime) -> timedelta:
        """Every pause so far, the one in progress included."""
        running = now - self.paused_at if self.paused_at is not None else timedelta(0)
        return timedelta(milliseconds=self.paused_ms) + max(running, timedelta(0))

    def deadline(self, now: datetime) -> datetime | None:
        """When the month's length is reached (while paused: if resumed at ``now``); None without one."""
        if not self.close_after_seconds:
            return None
        return self.opened_at + timedelta(seconds=self.close_after_seconds) + self.paused_for(now)

    def resumed_ms(self, now: datetime) -> int:
        """``paused_ms`` once the pause in progress ends at ``now``."""
        return int(self.paused_for(now) / timedelta(milliseconds=1))


def clock_of(row: Any) -> MonthClock:
    """The clock of a months row."""
    return MonthClock(row.opened_at, int(row.close_after_seconds), int(row.paused_ms or 0), row.paused_at)
