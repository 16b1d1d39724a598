"""What a central does with the change feed: its book, watchers, month and links follow the others.

Edges come as notices (a line with nothing left to reserve, new lines, the
month, notices, offers); the counters that merely moved are read every
``REFRESH_S`` in one query. A book may therefore lag another central's sales
by that much, which is safe: the one refusal a book gives alone is a sold-out
line, and a sold-out line is always announced and never comes back within its
month; every other answer is the database's conditional write.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from central.domain.months import MonthState
from central.domain.stock import Counters, StockLine
from central.service.book import StockBook
from central.service.hub import CatalogHub
from central.service.months import MonthDesk
from central.storage.feed_news import MonthReader, News
from central.storage.stock_rows import line_counters, load_lines

logger = logging.getLogger(__name__)


class Links(Protocol):
    """The manufacturer links, as the feed needs them."""

    def wake(self, manufacturer_ids: Collection[int]) -> None: ...

    def wake_all(self) -> None: ...

    def offers_changed(self) -> None: ...


class Coherence:
    """Applies other centrals' commits here (the ``FeedHandler`` of the change feed)."""

    def __init__(
        self, engine: AsyncEngine, book: StockBook, hub: CatalogHub, months: MonthDesk, links: Links
    ) -> None:
        self._engine = engine
        self._book = book
        self._hub = hub
        self._months = months
        self._links = links

    async def changed(self, news: News) -> None:
        """Month first (it may replace the book), then lines, then wake-ups."""
        if news.month:
            await self._months.reload()
            self._links.wake_all()
        if news.lines:
            await self._refresh(news.lines, news.counts)
        if news.notices:
            self._links.wake(news.notices)
        if news.offers:
            self._links.offers_changed()

    async def caught_up(self) -> None:
        """After a (re)connect: the month, every line of the book, every manufacturer's outbox."""
        await self._months.reload()
        await self._refresh(set(self._book.lines))
        self._links.wake_all()

    async def refresh(self, read: MonthReader) -> None:
        """The counters of the month's lines that moved since the book's versions (one query)."""
        book = self._book
        if book.state is not MonthState.OPEN:
            return
        month = book.month
        counters = await read(month, {line_id: line.version for line_id, line in book.lines.items()})
        if book.month != month:
            return  # the month changed while reading: the reload that changed it read the lines
        moved = [c.stock_line_id for c in counters if book.refresh(c)]
        unknown = [c.stock_line_id for c in counters if c.stock_line_id not in book.lines]
        if unknown:
            await self._refresh(unknown)  # a line created without its notice reaching this central
        if moved:
            self._hub.changed(moved)
            self._months.after_sales()

    async def ownership(self, owner: bool) -> None:
        """The month's timers run where the ownership is."""
        self._months.set_owner(owner)

    async def _refresh(self, line_ids: Collection[int], heard: Mapping[int, Counters] | None = None) -> None:
        """The book takes the lines' counters: as heard with the notice, else read from the database."""
        book = self._book
        heard = heard or {}
        counters = [heard[i] for i in line_ids if i in book.lines and i in heard]
        unheard = [i for i in line_ids if i in book.lines and i not in heard]
        new = [i for i in line_ids if i not in book.lines]
        fresh: list[StockLine] = []
        if unheard or new:
            async with self._engine.connect() as connection:
                counters += await connection.run_sync(line_counters, unheard) if unheard else []
                fresh = await connection.run_sync(load_lines, new) if new else []
        moved = [c.stock_line_id for c in counters if book.refresh(c)]
        for line in fresh:
            if _belongs(line, book.month, book.state):
                book.lines.setdefault(line.stock_line_id, line)
                moved.append(line.stock_line_id)
        if moved:
            self._hub.changed(moved)
            self._months.after_sales()


def _belongs(line: StockLine, month: int, state: MonthState) -> bool:
    return line.month == month and state is MonthState.OPEN
