"""In-memory stock book: the current month's lines and their counters."""

from __future__ import annotations

from collections.abc import Iterable

from central.domain import failures
from central.domain.months import MonthState
from central.domain.stock import StockLine


class StockBook:
    """What the central knows in memory about the current month.

    The database stays the arbiter (conditional updates); the book serves
    reads, fast rejects and the catalog stream, and is updated only after a
    commit. It needs no locks: it lives on one event loop, and admission
    (check and claim) runs without an ``await`` in between.
    """

    def __init__(self) -> None:
        self.month = 0
        self.state = MonthState.CLOSED
        self.lines: dict[int, StockLine] = {}

    def reset(self, month: int, state: MonthState, lines: Iterable[StockLine]) -> None:
        """Replaces the book with ``month``'s lines."""
        self.month = month
        self.state = state
        self.lines = {line.stock_line_id: line for line in lines}

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
