"""Pausing and resuming the open month's clock: the desk that runs the conditional transitions.

The transitions themselves live in ``central.storage.pause_rows``; every central's month desk
follows the changed row through the change feed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.engine import Connection

from central.service.month_status import MonthStatusView
from central.storage.pause_rows import pause_row, resume_row
from nodekit.db.writer import WriteQueue
from nodekit.errors import invalid


class PauseDesk:
    """Pauses and resumes the month; the month desk then follows the row (book, timers, watchers).

    Args:
        writer: The group-commit writer the transitions run in.
        clock: Aware UTC now.
        reload: The month desk's ``reload`` (re-reads the row, re-arms the timers).
        status: The month desk's ``status``.
    """

    def __init__(
        self,
        writer: WriteQueue,
        clock: Callable[[], datetime],
        reload: Callable[[], Awaitable[None]],
        status: Callable[[int], Awaitable[MonthStatusView]],
    ) -> None:
        self._writer = writer
        self._clock = clock
        self._reload = reload
        self._status = status

    async def pause(self, month: int) -> MonthStatusView:
        """Stops the month's clock (0: the current month)."""
        return await self._change(month, pause_row)

    async def resume(self, month: int) -> MonthStatusView:
        """Restarts the month's clock; its deadline moves by the time paused."""
        return await self._change(month, resume_row)

    async def _change(
        self, month: int, change: Callable[[Connection, int, datetime], int]
    ) -> MonthStatusView:
        if month < 0:
            raise invalid("BAD_MONTH", f"Month must be 0 (current) or positive; got {month}.", month=month)
        now = self._clock()
        changed = await self._writer.run(lambda c: change(c, month, now))
        await self._reload()
        return await self._status(changed)
