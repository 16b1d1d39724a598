"""The production plan: turn the central's recommendation into a line's rate and capacity."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Priority A products get headroom, C products are throttled (the report's revenue ranking).
PRIORITY_FACTOR = {"A": 1.2, "B": 1.0, "C": 0.8}
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


def plan_line(advice: Advice, month_seconds: float) -> Plan:
    """Produce the recommended units over one month, scaled by priority, within bounds.

    rate     = clamp(recommended * factor / month_seconds, 0.5, 100) units per second
    capacity = max(20, ceil(recommended * factor * 1.5)) units of free stock
    where factor is 1.2 for A, 1.0 for B and 0.8 for C. A product recommended at 0
    (its unsold units cover the demand) keeps a trickle so it never vanishes.
    """
    factor = PRIORITY_FACTOR.get(advice.priority, 1.0)
    target = advice.recommended_quantity * factor
    rate = min(MAX_RATE_PER_S, max(MIN_RATE_PER_S, target / month_seconds))
    capacity = max(MIN_CAPACITY, math.ceil(target * CAPACITY_HEADROOM))
    return Plan(round(rate, 2), capacity)
