"""Applies the central's notifications to the plant: depletions and month reports, each once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from distribution_client import DepletionNotice as DepletionNotice
from distribution_client import ProductOutcome
from manufacturer_node.planning import Advice, plan_line
from manufacturer_node.plant import Plant
from nodekit.money import format_cents

logger = logging.getLogger(__name__)

# One product's month at the central: the client package's record.
Result = ProductOutcome


@dataclass(frozen=True, slots=True)
class ReportNotice:
    """A closed month's results and the recommendations for the next one."""

    month: int
    results: list[ProductOutcome]
    advice: list[Advice]


@dataclass(frozen=True, slots=True)
class RateChange:
    """What the plan changed on one line."""

    product: str
    old_rate: float
    new_rate: float
    old_capacity: int
    new_capacity: int


Notice = DepletionNotice | ReportNotice


@dataclass
class Desk:
    """Remembers which notifications it applied, so a replayed one (ack lost) is not applied twice."""

    plant: Plant
    month_seconds: float
    applied: set[int] = field(default_factory=set)
    depletions: list[DepletionNotice] = field(default_factory=list)
    reports: list[ReportNotice] = field(default_factory=list)

    def apply(self, notification_id: int, notice: Notice) -> bool:
        """Applies a notification once; False when it was applied before."""
        if notification_id in self.applied:
            return False
        if isinstance(notice, DepletionNotice):
            self._depleted(notice)
        else:
            self._report(notice)
        self.applied.add(notification_id)
        return True

    def _depleted(self, notice: DepletionNotice) -> None:
        self.depletions.append(notice)
        logger.info(
            "month %d: %s sold out (%d units, stock line %d)",
            notice.month,
            notice.product,
            notice.quantity_sold,
            notice.stock_line_id,
        )

    def _report(self, notice: ReportNotice) -> list[RateChange]:
        self.reports.append(notice)
        returned = self.plant.settle(notice.month, {r.product: r.sold for r in notice.results})
        sold = sum(r.sold for r in notice.results)
        revenue = sum(r.revenue_cents for r in notice.results)
        logger.info(
            "month %d report: %d units sold for %s; unsold back in stock: %s",
            notice.month,
            sold,
            format_cents(revenue),
            returned or "none",
        )
        changes: list[RateChange] = []
        for advice in notice.advice:
            line = self.plant.lines.get(advice.product)
            if line is None:
                continue
            plan = plan_line(advice, self.month_seconds, self.plant.free.get(advice.product, 0))
            change = RateChange(
                advice.product, line.rate_per_s, plan.rate_per_s, line.capacity, plan.capacity
            )
            line.rate_per_s, line.capacity = plan.rate_per_s, plan.capacity
            changes.append(change)
            logger.info(
                "plan for %s: recommended %d (priority %s, %.3f/day): rate %.2f -> %.2f/s, capacity %d -> %d",
                advice.product,
                advice.recommended_quantity,
                advice.priority,
                advice.daily_demand_milli / 1000,
                change.old_rate,
                change.new_rate,
                change.old_capacity,
                change.new_capacity,
            )
        return changes
