"""In-memory stock book: the current month's lines, their counters, and per-line locks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable

from central.domain import failures
from central.domain.months import MonthState
from central.domain.stock import StockLine


class StockBook:
    """What the central knows in memory about the current month.

    The database stays the arbiter (conditional updates); the book serves
    reads, fast rejects and the catalog stream, and is updated only after a
    commit.
    """

    def __init__(self) -> None:
        self.month = 0
        self.state = MonthState.CLOSED
        self.lines: dict[int, StockLine] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def reset(self, month: int, state: MonthState, lines: Iterable[StockLine]) -> None:
        """Replaces the book with ``month``'s lines."""
        self.month = month
        self.state = state
        self.lines = {line.stock_line_id: line for line in lines}
        self._locks = {}

    def line(self, stock_line_id: int) -> StockLine:
        """The line, or NOT_FOUND when it is not part of the current month."""
        line = self.lines.get(stock_line_id)
        if line is None:
            raise failures.unknown_stock_line(stock_line_id)
        return line

    def require_open(self) -> None:
        """FAILED_PRECONDITION unless the current month is open."""
        if self.state is not MonthState.OPEN:
            raise failures.month_not_open(self.month, self.state.value)

    def sold_out(self) -> bool:
        """True when the month has lines and every unit of every line is sold."""
        return bool(self.lines) and all(line.sold == line.offered for line in self.lines.values())

    @contextlib.asynccontextmanager
    async def locked(self, stock_line_ids: Iterable[int]) -> AsyncIterator[None]:
        """Holds the locks of the given lines, taken in ascending id order to avoid deadlock.

        Held only around in-memory admission, never across a database commit or a
        network call, so a hot line is never serialized behind I/O.
        """
        ids = sorted(set(stock_line_ids))
        locks = [self._locks.setdefault(i, asyncio.Lock()) for i in ids]
        async with contextlib.AsyncExitStack() as stack:
            for lock in locks:
                await stack.enter_async_context(lock)
            yield
