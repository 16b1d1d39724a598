"""The back office: keeps products in step with the catalog, reorders, and reports to headquarters."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime

import grpc

from branch_node import business_days, low_stock, stock
from branch_node.headquarters import Headquarters, RemoteError, branch_refused
from branch_node.reorder import Reorderer
from branch_node.settings import BranchSettings
from branch_node.storage.store import Store
from branch_node.stream import SalesStream
from nodekit.reach import ReachNotice, is_unreachable
from nodekit.refusals import is_refusal
from nodekit.retry import Backoff

logger = logging.getLogger(__name__)

TICK_S = 0.5
# A day's report waits this long for its sales to be acknowledged before the next tick tries again.
ACK_WAIT_S = 0.2


class BackOffice:
    """One loop: sync products, work the alerts, submit closed days, report inventory."""

    def __init__(
        self,
        store: Store,
        hq: Headquarters,
        stream: SalesStream,
        settings: BranchSettings,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._hq = hq
        self._stream = stream
        self._settings = settings
        self._clock = clock
        self._reorderer = Reorderer(store, hq, settings.name, settings.card_number, clock)
        self._wake = asyncio.Event()
        self._notice = ReachNotice(settings.central)
        self._next_sync = 0.0
        self.days_submitted: list[str] = []
        self.flagged_days: list[str] = []

    @property
    def orders(self) -> int:
        """Reorders received since start."""
        return self._reorderer.orders

    def wake(self) -> None:
        """Runs the next tick now (an alert was raised or a day closed)."""
        self._wake.set()

    async def run(self) -> None:
        """Ticks until cancelled; a failed tick is logged and retried with backoff.

        Raises:
            nodekit.refusals.CredentialsRefused: When the central refuses the branch's key or
                account (never retried: the same credentials get the same answer).
        """
        backoff = Backoff()
        while True:
            self._wake.clear()
            try:
                await self.tick()
                backoff.reset()
                self._notice.reached()
                delay = TICK_S
            except (RemoteError, grpc.aio.AioRpcError) as error:
                if is_refusal(error):
                    raise branch_refused(self._settings.name, error) from error
                delay = backoff.next_wait()
                if _unreachable(error):
                    self._notice.failed()  # one line every few seconds; each attempt in the debug log
                    logger.debug("back office tick failed (retrying in %.2fs): %s", delay, error)
                else:
                    logger.warning("back office tick failed (retrying in %.2fs): %s", delay, error)
            try:
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def tick(self) -> None:
        """One pass over everything the office does."""
        if not self._hq.customer_token:
            await self._reorderer.ensure_account()
        if time.monotonic() >= self._next_sync:
            await self.sync_products()
        failure: RemoteError | grpc.aio.AioRpcError | None = None
        try:
            changed = await self._reorderer.run_once()
        except (RemoteError, grpc.aio.AioRpcError) as error:
            # A reorder that failed (a deadline under load, a refused checkout) holds back neither
            # the closed days' reports nor the inventory: it may have booked stock before failing.
            changed, failure = 1, error
        changed += await self.submit_days()
        if changed or self._wake.is_set() or not self.days_submitted:
            await self.report_inventory()
        if failure is not None:
            raise failure

    async def sync_products(self) -> int:
        """Adds catalog products the branch does not carry yet (each starts with a stocking alert)."""
        cheapest: dict[str, int] = {}
        for offer in await self._hq.offers():
            cheapest.setdefault(offer.product, offer.unit_price_cents)
        now, s = self._clock(), self._settings
        added = await self._store.write(
            lambda c: stock.stock_products(
                c, sorted(cheapest.items()), s.markup_percent, s.reorder_point, s.reorder_quantity, now
            )
        )
        self._next_sync = time.monotonic() + max(self._settings.day_seconds, 1.0)
        if added:
            logger.info("now carrying %d new products", added)
        return added

    async def submit_days(self) -> int:
        """Submits closed days whose sales the central has all committed, oldest first."""
        done = 0
        for day in await self._store.read(business_days.unsubmitted_days):
            # The report must follow its sales: the central compares it with what it streamed.
            if not await self._stream.wait_acked(day.last_sequence, ACK_WAIT_S):
                break
            answer = await self._hq.submit_day(self._settings.name, day)
            if answer.flagged:
                self.flagged_days.append(day.business_day)
                logger.warning(
                    "central flagged %s: reported %d, streamed %d",
                    day.business_day,
                    day.revenue_cents,
                    answer.streamed_revenue_cents,
                )
            await self._mark_submitted(day.business_day)
            self.days_submitted.append(day.business_day)
            done += 1
        return done

    async def _mark_submitted(self, day: str) -> None:
        now = self._clock()
        await self._store.write(lambda c: business_days.mark_submitted(c, day, now))

    async def report_inventory(self) -> None:
        """Sends the shelves and open alerts to headquarters."""
        shelves = await self._store.read(stock.shelves)
        alerts = await self._store.read(low_stock.open_alerts)
        await self._hq.report_inventory(self._settings.name, list(shelves.values()), alerts)


def _unreachable(error: BaseException) -> bool:
    cause = error.__cause__ if isinstance(error, RemoteError) else error
    return cause is not None and is_unreachable(cause)
