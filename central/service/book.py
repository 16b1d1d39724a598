"""In-memory stock book: a cache of the current month's lines that follows the database's commits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from central.domain import failures
from central.domain.months import MonthState
from central.domain.stock import Counters, StockLine

logger = logging.getLogger(__name__)


class StockBook:
    """What the central knows in memory about the current month.

    The database is the one truth: every write is a conditional statement that
    returns the line's counters, and the book takes those counters after the
    commit (``follow``) instead of adding deltas of its own. It serves reads and
    the catalog stream, and refuses on its own only what cannot be stale: a
    line sold out stays sold out for its month. It needs no locks: it lives on
    one event loop.
    """

    def __init__(self) -> None:
        self.month = 0
        self.state = MonthState.CLOSED
        self.lines: dict[int, StockLine] = {}
        self.repairs = 0
        # The month's clock as its row says (the catalog tells simulated buyers to hold while paused).
        self.paused = False
        self.month_seconds = 0
        # Told each committed change of a month's reserved and sold units (central.metrics counts them).
        self.moved: Callable[[int, int, int], None] | None = None
        # Reserved units released because their hold expired (the sweeper adds them).
        self.expired = 0

    def reset(self, month: int, state: MonthState, lines: Iterable[StockLine]) -> None:
        """Replaces the book with ``month``'s lines, as read from the database.

        A line the book already holds at a newer version keeps it: a commit may have
        been followed while the lines were being read.
        """
        fresh = {line.stock_line_id: line for line in lines}
        if month == self.month:
            for line_id, line in fresh.items():
                held = self.lines.get(line_id)
                if held is not None and held.version > line.version:
                    fresh[line_id] = held
        self.month = month
        self.state = state
        self.lines = fresh

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

    def follow(self, counters: Counters, reserved: int = 0, sold: int = 0) -> None:
        """Takes a committed write's counters; ``reserved``/``sold`` are the changes the write made.

        When nobody else changed the line in between (its version moved by one)
        and the book plus the write's own changes is not what the database
        returned, the book was wrong; it is logged and repaired, never raised.
        """
        line = self.lines.get(counters.stock_line_id)
        if line is None:
            return
        if counters.version == line.version + 1 and (
            line.offered,
            line.reserved + reserved,
            line.sold + sold,
        ) != (
            counters.offered,
            counters.reserved,
            counters.sold,
        ):
            self.repairs += 1
            logger.warning(
                "stock line %d: the book said offered=%d reserved=%d sold=%d before a change of "
                "reserved %+d sold %+d; the database has offered=%d reserved=%d sold=%d (repaired)",
                line.stock_line_id,
                line.offered,
                line.reserved,
                line.sold,
                reserved,
                sold,
                counters.offered,
                counters.reserved,
                counters.sold,
            )
        line.take(counters)
        if self.moved is not None:
            self.moved(line.month, reserved, sold)

    def refresh(self, counters: Counters) -> bool:
        """Takes counters read from the database (another writer's change); True when the line moved."""
        line = self.lines.get(counters.stock_line_id)
        return line is not None and counters.version > line.version and line.take(counters)

    def sold_out(self) -> bool:
        """True when the month has lines and every unit of every line is sold."""
        return bool(self.lines) and all(line.sold_out for line in self.lines.values())
