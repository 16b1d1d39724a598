"""Stock line arithmetic: offered, reserved, sold and the no-oversell invariant."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from central.domain import failures


class Movement(enum.Enum):
    """Kinds of stock movement in the audit trail."""

    OFFERED = "offered"
    RESERVED = "reserved"
    RELEASED = "released"
    EXPIRED = "expired"
    SOLD = "sold"
    RETURNED = "returned"


@dataclass(slots=True)
class StockLine:
    """One manufacturer's product for one month, with its live counters.

    ``pending`` counts units admitted in memory whose reservation has not been
    committed yet, so a fast reject never promises units twice.
    """

    stock_line_id: int
    month: int
    manufacturer_id: int
    manufacturer_name: str
    product: str
    unit_price_cents: int
    offered: int
    reserved: int = 0
    sold: int = 0
    pending: int = 0

    @property
    def available(self) -> int:
        """Units on sale: offered - reserved - sold."""
        return self.offered - self.reserved - self.sold

    @property
    def admissible(self) -> int:
        """Units a new reservation may still claim (available minus in-flight claims)."""
        return self.available - self.pending

    def admit(self, quantity: int) -> None:
        """Claims ``quantity`` in memory ahead of the database, or refuses."""
        if quantity > self.admissible:
            raise failures.insufficient_stock(self.product, quantity, max(self.admissible, 0))
        self.pending += quantity

    def settle(self, claimed: int, reserved: int = 0, sold: int = 0) -> None:
        """Applies committed changes and drops the in-memory claim."""
        self.pending -= claimed
        self.reserved += reserved
        self.sold += sold
        check_invariant(self.offered, self.reserved, self.sold)


def check_invariant(offered: int, reserved: int, sold: int) -> None:
    """Raises AssertionError if the counters break reserved, sold >= 0, reserved + sold <= offered."""
    if reserved < 0 or sold < 0 or reserved + sold > offered:
        raise AssertionError(f"stock invariant broken: {offered=} {reserved=} {sold=}")
