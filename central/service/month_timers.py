"""The month's timers, run by the central that owns the month: the deadline close and a late opening.

With one central it always owns the month. With several, one at a time does
(``ChangeFeed``); the timers are armed again from the months row whenever the
month changes or another central takes over, so they survive the owner's
crash. Each transition they start checks the state itself, so a timer that
fires after another central already acted changes nothing. A paused month has no
deadline timer; its resume's row arms one at the deadline moved by the time paused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from central.domain.month_clock import clock_of
from central.domain.months import CloseReason, MonthState
from central.storage.outage import database_gone
from nodekit.timestamps import utcnow

logger = logging.getLogger(__name__)

# A month still COLLECTING this long after its offers were due is opened by the owner (its opener is gone).
LATE_OPEN_GRACE = timedelta(seconds=2)


class MonthTimers:
    """Arms one timer for the latest month, as its row says, while this central owns the month.

    Args:
        close_soon: Starts closing a month for a reason (conditional on it being OPEN).
        open_late: Opens a month left COLLECTING past its deadline (conditional too).
        owner: Whether this central owns the month from the start.
        clock: Aware UTC now.
    """

    def __init__(
        self,
        close_soon: Callable[[int, CloseReason], None],
        open_late: Callable[[int], Awaitable[None]],
        owner: bool,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._close_soon = close_soon
        self._open_late = open_late
        self.owner = owner
        self._clock = clock
        self._row: Any = None
        self._timer: asyncio.Task[None] | None = None

    def follow(self, row: Any) -> None:
        """Re-arms for the latest months row (None before the first month)."""
        self._row = row
        self.cancel()
        if not self.owner or row is None:
            return
        if row.state == MonthState.COLLECTING.value and row.offers_due_at is not None:
            self._arm(row.offers_due_at + LATE_OPEN_GRACE, lambda: self._open_late(row.month))
        elif row.state == MonthState.OPEN.value and row.close_after_seconds and row.paused_at is None:
            # Paused: no deadline until resumed; the resume's row arms it at the moved time.
            month, deadline = row.month, clock_of(row).deadline(self._clock())

            async def close() -> None:
                self._close_soon(month, CloseReason.DEADLINE)

            if deadline is not None:
                self._arm(deadline, close)

    def closes_at(self) -> datetime | None:
        """When the open month's deadline falls; None when none is open, it is paused or has no deadline."""
        row = self._row
        if row is None or row.state != MonthState.OPEN.value or not row.close_after_seconds:
            return None
        if row.paused_at is not None:
            return None
        deadline: datetime | None = clock_of(row).deadline(self._clock())
        return deadline

    def set_owner(self, owner: bool) -> None:
        """This central took over the month (arm from the last row seen), or lost it (disarm)."""
        self.owner = owner
        self.follow(self._row)

    def cancel(self) -> None:
        """Disarms the timer (it does not cancel what it has already started)."""
        if self._timer is not None and self._timer is not asyncio.current_task():
            self._timer.cancel()
        self._timer = None

    def _arm(self, at: datetime, action: Callable[[], Awaitable[None]]) -> None:
        async def fire() -> None:
            # The event loop's sleep may end a little before the wall clock gets there; the
            # deadline close checks the wall clock, so the timer waits until it has passed.
            delay_s = (at - self._clock()).total_seconds()
            while delay_s > 0:
                await asyncio.sleep(delay_s)
                delay_s = (at - self._clock()).total_seconds()
            try:
                await action()
            except Exception as error:
                # A database that is gone is logged once, by the central's database watch.
                if not database_gone(error):
                    logger.exception("a month timer failed")

        self._timer = asyncio.create_task(fire(), name="month-timer")
