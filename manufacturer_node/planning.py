"""The production plan: turn the central's recommendation into a line's rate and capacity."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Priority A products get headroom, C products are throttled (the report's revenue ranking).
# Kept within 10%: the recommendation already follows demand, so a larger factor only turns
# into a standing surplus of A products (unsold) and a standing shortfall of C products (unmet).
PRIORITY_FACTOR = {"A": 1.1, "B": 1.0, "C": 0.9}
MIN_RATE_PER_S = 0.5
MAX_RATE_PER_S = 100.0
MIN_CAPACITY = 20
CAPACITY_HEADROOM = 1.5


@dataclass(frozen=True, slots=True)
class Advice:
    """The central's recommendation for one product."""

    product: str
    daily_demand_milli: int
    recommended_quantity: int
    priority: str


@dataclass(frozen=True, slots=True)
class Plan:
    """A line's rate and capacity."""

    rate_per_s: float
    capacity: int


def plan_line(advice: Advice, month_seconds: float, held: int = 0) -> Plan:
    """Produce the recommended units over one month, scaled by priority, within bounds.

    rate     = clamp(recommended * factor / month_seconds, 0.5, 100) units per second
    capacity = max(20, ceil(recommended * factor * 1.5) + held) units of free stock
    where factor is 1.1 for A, 1.0 for B and 0.9 for C, and held is the unsold stock already
    back in free stock (the recommendation has subtracted it, so the room for new units must
    not count it again). A product recommended at 0 (its unsold units cover the demand) keeps
    a trickle so it never vanishes.
    """
    factor = PRIORITY_FACTOR.get(advice.priority, 1.0)
    target = advice.recommended_quantity * factor
    rate = min(MAX_RATE_PER_S, max(MIN_RATE_PER_S, target / month_seconds))
    capacity = max(MIN_CAPACITY, math.ceil(target * CAPACITY_HEADROOM) + held)
    return Plan(round(rate, 2), capacity)
