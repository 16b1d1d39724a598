"""Opening a month: the request checked, the offers collected (or another central's relayed), then OPEN."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from central.domain.months import MonthState
from central.service.book import StockBook
from central.service.events import EventBus, MonthOpened
from central.service.hub import CatalogHub
from central.storage.month_rows import begin_month, mark_open
from nodekit.db.writer import WriteQueue
from nodekit.errors import invalid

logger = logging.getLogger(__name__)


class OfferCollector(Protocol):
    """Asks the manufacturers for offers; each arriving offer is recorded with the OfferDesk."""

    async def collect(self, month: int, deadline_s: float) -> tuple[list[str], list[str]]:
        """Asks for ``month``'s offers and waits for them; returns (offered in time, skipped)."""
        ...

    def relay(self, month: int, due_at: datetime) -> None:
        """Asks the manufacturers connected here for the offers of a month another central opened."""
        ...


@dataclass(frozen=True, slots=True)
class OpenedMonth:
    """What OpenMonth returns."""

    month: int
    state: MonthState
    offered: list[str]
    skipped: list[str]
    stock_line_count: int


def offer_wait_s(
    offer_deadline_ms: int, expected_shoppers: int, close_after_s: int, default_ms: int
) -> float:
    """The wait for offers in seconds, once an opening's numbers are checked (``default_ms`` if none)."""
    if not 0 <= offer_deadline_ms <= 60_000:
        raise invalid(
            "BAD_DEADLINE",
            "The offer deadline must be 0-60000 ms.",
            offer_deadline_ms=offer_deadline_ms,
        )
    if not 0 <= expected_shoppers <= 100_000:
        raise invalid(
            "BAD_SHOPPERS",
            "Expected shoppers must be 0-100000.",
            expected_shoppers=expected_shoppers,
        )
    if not 0 <= close_after_s <= 31 * 86_400:
        raise invalid(
            "BAD_CLOSE_AFTER",
            "close_after_seconds must be 0 to 31 days.",
            close_after_seconds=close_after_s,
        )
    return (offer_deadline_ms or default_ms) / 1000


class MonthOpening:
    """Opens months: this central's own (it collects the offers) and others' (it relays their collection).

    Args:
        writer: The group-commit writer the opening's writes go through.
        book: The month's stock in memory, emptied for a month being collected.
        hub: Tells the catalog's watchers when the month changes.
        events: Where openings are published.
        clock: Aware UTC now.
        collector: Asks the manufacturers for their offers while a month is COLLECTING.
        reload: The month desk's read of the months table, which the book and the timers follow.
    """

    def __init__(
        self,
        writer: WriteQueue,
        book: StockBook,
        hub: CatalogHub,
        events: EventBus,
        clock: Callable[[], datetime],
        collector: OfferCollector,
        reload: Callable[[], Awaitable[None]],
    ) -> None:
        self._writer = writer
        self._book = book
        self._hub = hub
        self._events = events
        self._clock = clock
        self._collector = collector
        self._reload = reload
        # The month this central is collecting offers for itself (others' collections are relayed).
        self._opening: int | None = None
        self._relayed: set[int] = set()

    async def open(self, deadline_s: float, expected_shoppers: int, close_after_s: int) -> OpenedMonth:
        """Begins the next month (COLLECTING), collects its offers for ``deadline_s``, then opens it."""
        now = self._clock()
        due = now + timedelta(seconds=deadline_s)
        month = await self._writer.run(
            lambda c: begin_month(c, expected_shoppers, close_after_s, now, due), self._follow_begin
        )
        try:
            offered, skipped = await self._collector.collect(month, deadline_s)
        except Exception:
            # The month opens with the offers that arrived, whatever went wrong while collecting.
            logger.exception("month %d: collecting offers failed; opening with what arrived", month)
            offered, skipped = [], []
        finally:
            self._opening = None
        recorded = await self._writer.run(lambda c: mark_open(c, month, skipped))
        if recorded is not None:
            skipped = recorded
        for name in skipped:
            logger.warning("month %d: manufacturer %s skipped (no offer in time)", month, name)
        await self._reload()
        self._events.publish(MonthOpened(month))
        lines = len(self._book.lines) if self._book.month == month else 0
        logger.info("month %d open with %d stock lines", month, lines)
        return OpenedMonth(month, MonthState.OPEN, sorted(offered), sorted(skipped), lines)

    def _follow_begin(self, month: int) -> None:
        self._opening = month
        self._book.reset(month, MonthState.COLLECTING, [])
        self._hub.month_changed()

    async def open_late(self, month: int) -> None:
        """Opens a month whose opener is gone, with the offers that arrived."""
        if await self._writer.run(lambda c: mark_open(c, month)) is not None:
            logger.info("month %d was still collecting past its deadline; opened with what arrived", month)
        await self._reload()

    def follow(self, row: Any) -> None:
        """Relays the collection of a month another central is opening, once (``row``: the latest month)."""
        if (
            MonthState(row.state) is MonthState.COLLECTING
            and row.month != self._opening
            and row.month not in self._relayed
        ):
            self._relayed.add(row.month)
            self._collector.relay(row.month, row.offers_due_at or self._clock())
