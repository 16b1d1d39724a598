"""Production recommendation: look-back demand, horizon, units held, and A/B/C priority.

The formula (all arithmetic exact, with fractions, so results do not drift):

    window          = the report month M and the LOOKBACK_MONTHS - 1 months before it
                      (M-2, M-1, M with the default of 3); a product counts only the
                      months of the window in which the manufacturer offered it
    demand          = sold + unmet demand, summed over those months
    daily demand    = demand / (DAYS_PER_MONTH * months counted)      (a month is 30 days)
    recommended     = max(0, ceil(daily demand * HORIZON_DAYS) - units held)
    units held      = the manufacturer's unsold units of the product in month M
                      (consignment: they went back to it at the close)
    daily_demand_milli = floor(daily demand * 1000)   (what the report carries)

Priority from the product's share of the manufacturer's revenue over the same window:
products sorted by revenue (highest first, then by name); a product is A while the
revenue of the products ranked before it is under 80% of the total (so the products
making the first 80% are A, and the top earner always is), B while it is under 95%
(the next 15%), otherwise C. A product with zero revenue is always C.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

LOOKBACK_MONTHS = 3
DAYS_PER_MONTH = 30
HORIZON_DAYS = 30
A_SHARE_PERCENT = 80
B_SHARE_PERCENT = 95


class Priority(enum.Enum):
    """A product's production priority from its revenue share."""

    A = "A"
    B = "B"
    C = "C"


@dataclass(frozen=True, slots=True)
class ProductMonth:
    """One product's figures for one month of one manufacturer."""

    month: int
    product: str
    sold: int
    unmet_demand: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What to produce of one product for the next month."""

    product: str
    daily_demand_milli: int
    recommended_quantity: int
    priority: Priority


def window_months(month: int, lookback: int = LOOKBACK_MONTHS) -> range:
    """The months of the look-back window ending at ``month`` (never below month 1)."""
    return range(max(1, month - lookback + 1), month + 1)


def daily_demand(monthly_demand: Iterable[int], days_per_month: int = DAYS_PER_MONTH) -> Fraction:
    """Average units per day over the given months' demand (sold + unmet); 0 for no months."""
    demands = list(monthly_demand)
    if not demands:
        return Fraction(0)
    return Fraction(sum(demands), days_per_month * len(demands))


def recommended_quantity(daily: Fraction, held: int, horizon_days: int = HORIZON_DAYS) -> int:
    """Units to produce: the horizon's demand, rounded up, minus what is held, never negative."""
    return max(0, math.ceil(daily * horizon_days) - held)


def priorities(revenue_cents: Mapping[str, int]) -> dict[str, Priority]:
    """A/B/C per product from its share of the total revenue (see the module docstring)."""
    total = sum(revenue_cents.values())
    ranked = sorted(revenue_cents.items(), key=lambda item: (-item[1], item[0]))
    result: dict[str, Priority] = {}
    before = 0
    for product, revenue in ranked:
        # Integer comparison of before/total with the thresholds, so no rounding decides a class.
        if revenue <= 0:
            result[product] = Priority.C
        elif before * 100 < A_SHARE_PERCENT * total:
            result[product] = Priority.A
        elif before * 100 < B_SHARE_PERCENT * total:
            result[product] = Priority.B
        else:
            result[product] = Priority.C
        before += revenue
    return result


def recommend(
    month: int,
    history: Iterable[ProductMonth],
    held: Mapping[str, int],
    lookback: int = LOOKBACK_MONTHS,
    horizon_days: int = HORIZON_DAYS,
) -> list[Recommendation]:
    """Recommendations for every product seen in the window, sorted by product name.

    Args:
        month: The month being reported (the end of the window).
        history: The manufacturer's per-product results; months outside the window are ignored.
        held: Units of each product the manufacturer still holds (its unsold units).
        lookback: Months in the window.
        horizon_days: Days of demand to produce for.
    """
    window = window_months(month, lookback)
    demand: dict[str, list[int]] = defaultdict(list)
    revenue: dict[str, int] = defaultdict(int)
    for row in history:
        if row.month in window:
            demand[row.product].append(row.sold + row.unmet_demand)
            revenue[row.product] += row.revenue_cents
    ranks = priorities(revenue)
    recommendations: list[Recommendation] = []
    for product in sorted(demand):
        daily = daily_demand(demand[product])
        recommendations.append(
            Recommendation(
                product=product,
                daily_demand_milli=math.floor(daily * 1000),
                recommended_quantity=recommended_quantity(daily, held.get(product, 0), horizon_days),
                priority=ranks[product],
            )
        )
    return recommendations
