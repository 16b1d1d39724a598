"""The month on command: open, pause, resume and close it, then wait until the network has seen it.

"Seen" is read where every node reads it: the catalog a shopper lists (its month, state and
pause flag come from the central's one month clock), so a test waits on what a client of the
network would see, with a bound, never a sleep.
"""

from __future__ import annotations

from distribution_client import Catalog, MonthState, MonthStatus, OpenedMonth, Operator, Shopper
from distribution_testing.polling import TIMEOUT, until


class MonthControl:
    """Drives the month through the operator and waits on what a shopper sees.

    Args:
        operator: The operator's caller.
        watcher: A registered shopper whose catalog tells what the network sees.
        offer_deadline_ms: How long opening waits for the manufacturers' offers.
    """

    def __init__(self, operator: Operator, watcher: Shopper, offer_deadline_ms: int = 2000) -> None:
        self._operator = operator
        self._watcher = watcher
        self._offer_deadline_ms = offer_deadline_ms
        self.current = 0

    async def wait_seen(self, state: MonthState, paused: bool = False, timeout_s: float = TIMEOUT) -> Catalog:
        """Waits until a shopper's catalog shows the current month in ``state`` (and ``paused``)."""
        seen: list[Catalog] = []

        async def shows() -> bool:
            catalog = await self._watcher.catalog()
            seen.append(catalog)
            return catalog.month == self.current and catalog.state is state and catalog.paused is paused

        what = f"month {self.current} {state.value}{' and paused' if paused else ''} in the catalog"
        await until(shows, timeout_s, what, interval_s=0.05)
        return seen[-1]

    async def open(self, timeout_s: float = TIMEOUT) -> OpenedMonth:
        """Opens the next month (offers collected from the connected manufacturers) and waits until seen."""
        opened = await self._operator.open_month(offer_deadline_ms=self._offer_deadline_ms)
        self.current = opened.month
        await self.wait_seen(MonthState.OPEN, timeout_s=timeout_s)
        return opened

    async def pause(self, timeout_s: float = TIMEOUT) -> MonthStatus:
        """Stops the month's clock and waits until it is seen paused."""
        status = await self._operator.pause_month(self.current)
        await self.wait_seen(MonthState.OPEN, paused=True, timeout_s=timeout_s)
        return status

    async def resume(self, timeout_s: float = TIMEOUT) -> MonthStatus:
        """Restarts the month's clock and waits until it is seen running."""
        status = await self._operator.resume_month(self.current)
        await self.wait_seen(MonthState.OPEN, timeout_s=timeout_s)
        return status

    async def close(self, timeout_s: float = TIMEOUT) -> MonthStatus:
        """Closes the month and waits until it is seen closed."""
        status = await self._operator.close_month(self.current)
        await self.wait_seen(MonthState.CLOSED, timeout_s=timeout_s)
        return status

    async def status(self) -> MonthStatus:
        """The current month as the operator sees it."""
        return await self._operator.month_status(self.current)
