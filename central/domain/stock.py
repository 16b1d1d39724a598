"""Stock line arithmetic: offered, reserved, sold and the no-oversell invariant."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Movement(enum.Enum):
    """Kinds of stock movement in the audit trail."""

    OFFERED = "offered"
    RESERVED = "reserved"
    RELEASED = "released"
    EXPIRED = "expired"
    SOLD = "sold"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class Counters:
    """A stock line's counters as one committed statement returned them."""

    stock_line_id: int
    offered: int
    reserved: int
    sold: int
    version: int


@dataclass(slots=True)
class StockLine:
    """One manufacturer's product for one month, with its counters as last committed."""

    stock_line_id: int
    month: int
    manufacturer_id: int
    manufacturer_name: str
    product: str
    unit_price_cents: int
    offered: int
    reserved: int = 0
    sold: int = 0
    version: int = 0

    @property
    def available(self) -> int:
        """Units on sale: offered - reserved - sold."""
        return self.offered - self.reserved - self.sold

    @property
    def sold_out(self) -> bool:
        """Every unit sold: within its month a line never comes back from this (sales are final)."""
        return self.sold >= self.offered

    def take(self, counters: Counters) -> bool:
        """Takes counters the database returned, unless the line already holds a newer version."""
        if counters.version < self.version:
            return False
        self.offered, self.reserved, self.sold = counters.offered, counters.reserved, counters.sold
        self.version = counters.version
        return True


@dataclass(frozen=True, slots=True)
class OfferLineInput:
    """One product of an offer."""

    product: str
    quantity: int
    unit_price_cents: int
