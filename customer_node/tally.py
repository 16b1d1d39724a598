"""What one customer did in one month: units bought, orders, unmet demand and money spent."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class MonthTally:
    """Counters for one month, filled while shopping and logged when the month is done.

    Attributes:
        month: Month number.
        units_bought: Units in placed orders.
        orders: Orders placed (replayed checkouts are not counted again).
        unmet: Units asked for that could not be had (out of stock on add, dropped at checkout).
        spent_cents: Sum of the orders' totals.
        removed: Units put back from the cart before checkout.
    """

    month: int
    units_bought: int = 0
    orders: int = 0
    unmet: int = 0
    spent_cents: int = 0
    removed: int = 0

    def summary(self) -> str:
        """The month's one-line summary for the log."""
        return (
            f"month {self.month}: bought {self.units_bought} units in {self.orders} orders, "
            f"unmet {self.unmet}, spent {self.spent_cents} cents"
        )
