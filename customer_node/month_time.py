"""A shopper's month clock: time since the month opened, leaving out the time the central had it paused.

The central says a month is paused in its catalog stream (``CatalogView.paused``); the shopper
then makes no call until it resumes (``hold``), and its baskets' moments count only the time the
month ran (``sleep_until``), so a pause moves the rest of its month later, as it moves the
month's close.
"""

from __future__ import annotations

import asyncio
import logging

from customer_node.shopping_api import LiveCatalog

logger = logging.getLogger(__name__)


class MonthTime:
    """The running time of one month as a shopper sees it.

    Args:
        follower: The live catalog (its view carries the pauses).
        month: The month being shopped.
        start: Event-loop time at which the month was seen open.
    """

    def __init__(self, follower: LiveCatalog, month: int, start: float) -> None:
        self._follower = follower
        self._month = month
        self._start = start
        self._paused_before = follower.view.paused_seconds()

    def elapsed(self) -> float:
        """Seconds the month has run since ``start``, pauses left out."""
        paused = self._follower.view.paused_seconds() - self._paused_before
        return asyncio.get_running_loop().time() - self._start - paused

    async def hold(self) -> None:
        """Returns at once unless the month is paused; then waits until it resumes or ends."""
        view = self._follower.view
        if not self._paused():
            return
        logger.info("month %d paused by the operator: holding", self._month)
        while self._paused():
            await self._follower.wait_for_change()
        logger.info("month %d %s", self._month, "resumed" if view.is_open else "ended while paused")

    async def sleep_until(self, moment: float) -> None:
        """Waits until the month has run ``moment`` seconds (not counting pauses)."""
        while True:
            await self.hold()
            remaining = moment - self.elapsed()
            if remaining <= 0:
                return
            await asyncio.sleep(remaining)

    def _paused(self) -> bool:
        view = self._follower.view
        return view.paused and view.is_open and view.month == self._month
