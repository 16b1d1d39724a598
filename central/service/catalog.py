"""The live catalog: lines with units available, listed and watched from the in-memory book."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass

from central.domain.months import MonthState
from central.domain.stock import StockLine
from central.service.book import StockBook
from central.service.hub import CatalogHub


@dataclass(frozen=True, slots=True)
class CatalogFilter:
    """Optional product and manufacturer filters (empty = any)."""

    product: str = ""
    manufacturer_name: str = ""

    def matches(self, line: StockLine) -> bool:
        """True when the line passes the filter."""
        return (not self.product or line.product == self.product) and (
            not self.manufacturer_name or line.manufacturer_name == self.manufacturer_name
        )


@dataclass(frozen=True, slots=True)
class CatalogUpdate:
    """One message of a catalog watch."""

    snapshot: bool
    month: int
    state: MonthState
    lines: list[StockLine]
    # The month's clock: simulated buyers hold while paused and spread their buying over its length.
    paused: bool = False
    month_seconds: int = 0


class Catalog:
    """Reads the current month's lines; only lines with available > 0 are on show.

    Args:
        book: The in-memory book the lines are read from.
        hub: Wakes the watchers when lines or the month change.
        coalesce_s: How long a watch gathers changes before it sends them.
    """

    def __init__(self, book: StockBook, hub: CatalogHub, coalesce_s: float) -> None:
        self._book = book
        self._hub = hub
        self._coalesce_s = coalesce_s

    def list(self, where: CatalogFilter) -> tuple[int, MonthState, list[StockLine]]:
        """The month, its state and its lines on sale, by product then manufacturer."""
        book = self._book
        if book.state is not MonthState.OPEN:
            return book.month, book.state, []
        lines = [_copy(line) for line in book.lines.values() if line.available > 0 and where.matches(line)]
        lines.sort(key=lambda line: (line.product, line.manufacturer_name))
        return book.month, book.state, lines

    def clock(self) -> tuple[bool, int]:
        """Whether the month is paused, and its length in seconds (0: no deadline)."""
        return self._book.paused, self._book.month_seconds

    async def watch(self, where: CatalogFilter) -> AsyncIterator[CatalogUpdate]:
        """A snapshot, then coalesced changes (a line with available 0 has left the catalog)."""
        hub, book = self._hub, self._book
        coalesce_s = self._coalesce_s
        seen = hub.version
        month, state, lines = self.list(where)
        paused = book.paused
        yield CatalogUpdate(True, month, state, lines, paused, book.month_seconds)
        while True:
            await hub.wait(seen)
            # Let a burst of changes on a busy line collapse into one message.
            await asyncio.sleep(coalesce_s)
            if book.month != month or book.state is not state or book.paused != paused:
                seen = hub.version
                month, state, lines = self.list(where)
                paused = book.paused
                yield CatalogUpdate(True, month, state, lines, paused, book.month_seconds)
                continue
            changed = hub.since(seen)
            seen = hub.version
            lines = [
                _copy(book.lines[i])
                for i in sorted(changed)
                if i in book.lines and where.matches(book.lines[i])
            ]
            if lines:
                yield CatalogUpdate(False, month, state, lines, paused, book.month_seconds)


def _copy(line: StockLine) -> StockLine:
    # A snapshot of the counters, so a message never changes while it is being sent.
    return dataclasses.replace(line)
