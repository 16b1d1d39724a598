"""Operator read models over the branches: revenue per day, inventory value, top products, alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from central.branches.schema import (
    branch_alerts,
    branch_daily_reports,
    branch_inventory,
    branch_sale_items,
    branch_sales,
    branches,
)
from nodekit.errors import invalid

DEFAULT_TOP, MAX_TOP = 10, 100


@dataclass(frozen=True, slots=True)
class BranchDayView:
    """One branch's day: what it reported next to what it streamed.

    ``flagged`` is true when a report exists and its revenue differs from the
    streamed sales as they stand now (a day streamed but not yet reported is
    not flagged; its reported figures are 0).
    """

    branch_name: str
    business_day: str
    revenue_cents: int
    loss_cents: int
    streamed_revenue_cents: int
    transaction_count: int
    reported: bool
    flagged: bool


@dataclass(frozen=True, slots=True)
class InventoryValueView:
    """A branch's inventory at cost."""

    branch_name: str
    value_cents: int
    units: int


@dataclass(frozen=True, slots=True)
class TopProductView:
    """A product's branch sales."""

    product: str
    units: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class BranchAlertView:
    """An open low-stock alert with its branch."""

    branch_name: str
    product: str
    quantity: int
    reorder_point: int
    raised_at: datetime


class BranchReports:
    """Answers the operator's questions about the branch stores."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def revenue(self, branch_name: str = "") -> list[BranchDayView]:
        """Revenue and loss per branch per day, by branch then day."""
        async with self._engine.connect() as connection:
            return await connection.run_sync(_revenue, branch_name)

    async def inventory_value(self) -> list[InventoryValueView]:
        """Each configured branch's last reported inventory at cost."""
        async with self._engine.connect() as connection:
            return await connection.run_sync(_inventory_value)

    async def top_products(self, limit: int) -> list[TopProductView]:
        """Products by units sold across branches, descending (ties by name)."""
        limit = DEFAULT_TOP if limit == 0 else limit
        if not 1 <= limit <= MAX_TOP:
            raise invalid("BAD_LIMIT", f"The limit must be 1-{MAX_TOP}; got {limit}.", limit=limit)
        async with self._engine.connect() as connection:
            return await connection.run_sync(_top_products, limit)

    async def open_alerts(self) -> list[BranchAlertView]:
        """Open low-stock alerts across branches, oldest first."""
        async with self._engine.connect() as connection:
            return await connection.run_sync(_open_alerts)


def _revenue(connection: Connection, branch_name: str) -> list[BranchDayView]:
    which = select(branches.c.branch_id, branches.c.name)
    if branch_name:
        which = which.where(branches.c.name == branch_name)
    names = {row.branch_id: row.name for row in connection.execute(which)}
    streamed = {
        (row.branch_id, row.business_day): (int(row.revenue), int(row.n))
        for row in connection.execute(
            select(
                branch_sales.c.branch_id,
                branch_sales.c.business_day,
                func.sum(branch_sales.c.total_cents).label("revenue"),
                func.count().label("n"),
            )
            .where(branch_sales.c.branch_id.in_(names))
            .group_by(branch_sales.c.branch_id, branch_sales.c.business_day)
        )
    }
    reported = {
        (row.branch_id, row.business_day): (int(row.revenue_cents), int(row.loss_cents))
        for row in connection.execute(
            select(branch_daily_reports).where(branch_daily_reports.c.branch_id.in_(names))
        )
    }
    days: list[BranchDayView] = []
    for key in set(streamed) | set(reported):
        branch_id, day = key
        streamed_revenue, count = streamed.get(key, (0, 0))
        report = reported.get(key)
        revenue, loss = report if report is not None else (0, 0)
        days.append(
            BranchDayView(
                names[branch_id],
                day,
                revenue,
                loss,
                streamed_revenue,
                count,
                reported=report is not None,
                flagged=report is not None and revenue != streamed_revenue,
            )
        )
    return sorted(days, key=lambda view: (view.branch_name, view.business_day))


def _inventory_value(connection: Connection) -> list[InventoryValueView]:
    value = func.coalesce(func.sum(branch_inventory.c.quantity * branch_inventory.c.unit_cost_cents), 0)
    units = func.coalesce(func.sum(branch_inventory.c.quantity), 0)
    rows = connection.execute(
        select(branches.c.name, value.label("value"), units.label("units"))
        .select_from(branches.outerjoin(branch_inventory))
        .group_by(branches.c.branch_id, branches.c.name)
        .order_by(branches.c.name)
    )
    return [InventoryValueView(row.name, int(row.value), int(row.units)) for row in rows]


def _top_products(connection: Connection, limit: int) -> list[TopProductView]:
    units = func.sum(branch_sale_items.c.quantity)
    revenue = func.sum(branch_sale_items.c.quantity * branch_sale_items.c.unit_price_cents)
    rows = connection.execute(
        select(branch_sale_items.c.product, units.label("units"), revenue.label("revenue"))
        .group_by(branch_sale_items.c.product)
        .order_by(units.desc(), branch_sale_items.c.product)
        .limit(limit)
    )
    return [TopProductView(row.product, int(row.units), int(row.revenue)) for row in rows]


def _open_alerts(connection: Connection) -> list[BranchAlertView]:
    rows = connection.execute(
        select(branches.c.name, branch_alerts)
        .join(branches, branches.c.branch_id == branch_alerts.c.branch_id)
        .order_by(branch_alerts.c.raised_at, branches.c.name, branch_alerts.c.product)
    )
    return [
        BranchAlertView(row.name, row.product, int(row.quantity), int(row.reorder_point), row.raised_at)
        for row in rows
    ]
