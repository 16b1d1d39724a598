"""The customer's local view of the live catalog, kept fresh from the WatchCatalog stream.

Its lines, updates and month states are the client package's records.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from distribution_client import CatalogLine as CatalogLine
from distribution_client import CatalogUpdate as CatalogUpdate
from distribution_client import MonthState as MonthState


class CatalogView:
    """The catalog as last reported by the central: month, its state and the lines on sale."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.month = 0
        self.state = MonthState.UNSPECIFIED
        self.loaded = False
        self.paused = False
        self.month_seconds = 0
        self._lines: dict[int, CatalogLine] = {}
        # Time spent paused, as the messages told it: a shopper's month clock leaves it out.
        self._clock = clock
        self._paused_since = 0.0
        self._paused_total = 0.0

    @property
    def is_open(self) -> bool:
        """True while the current month is open for trading."""
        return self.state is MonthState.OPEN

    def apply(self, update: CatalogUpdate) -> None:
        """Folds one stream message into the view.

        Args:
            update: A snapshot (replaces everything) or a set of changed lines.
        """
        # Lines belong to one month; when the month moves on, the old lines are off sale even if
        # the central does not send a fresh snapshot, so they must not linger in the view.
        if update.snapshot or update.month != self.month:
            self._lines.clear()
        self.month = update.month
        self.state = update.state
        if update.paused != self.paused:
            if update.paused:
                self._paused_since = self._clock()
            else:
                self._paused_total += self._clock() - self._paused_since
        self.paused = update.paused
        self.month_seconds = update.month_seconds
        self.loaded = True
        self._upsert(update.lines)

    def _upsert(self, lines: Iterable[CatalogLine]) -> None:
        for line in lines:
            if line.month not in (0, self.month):
                continue  # a late change from an earlier month
            if line.available > 0:
                self._lines[line.stock_line_id] = line
            else:
                self._lines.pop(line.stock_line_id, None)

    def paused_seconds(self) -> float:
        """Seconds spent paused since the view was made, the pause in progress included."""
        running = self._clock() - self._paused_since if self.paused else 0.0
        return self._paused_total + running

    def get(self, stock_line_id: int) -> CatalogLine | None:
        """The line with this id if it is still on sale."""
        return self._lines.get(stock_line_id)

    def lines(self) -> list[CatalogLine]:
        """Lines on sale, ordered by product, then price, then manufacturer (stable numbering)."""
        return sorted(
            self._lines.values(),
            key=lambda line: (
                line.product,
                line.unit_price_cents,
                line.manufacturer_name,
                line.stock_line_id,
            ),
        )

    def __len__(self) -> int:
        return len(self._lines)
