"""Reads behind the month status: the month's row, its orders, shoppers, unmet demand, results and reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row

from central.domain.months import ProductOutcome
from central.domain.notices import NoticeKind
from central.storage.schema import (
    customers,
    finished_shoppers,
    manufacturers,
    month_results,
    months,
    notifications,
    orders,
    reservations,
    stock_lines,
    unmet_demand,
)


def month_row(connection: Connection, month: int) -> Row[Any] | None:
    """The row of ``month``, or of the latest month when ``month`` is 0 (None when there is none)."""
    query = select(months)
    query = query.where(months.c.month == month) if month else query.order_by(months.c.month.desc()).limit(1)
    return connection.execute(query).first()


def order_totals(connection: Connection, month: int) -> tuple[int, int]:
    """How many orders ``month`` has and their revenue in cents."""
    count, revenue = connection.execute(
        select(func.count(), func.coalesce(func.sum(orders.c.total_cents), 0)).where(orders.c.month == month)
    ).one()
    return int(count), int(revenue)


def finished_count(connection: Connection, month: int) -> int:
    """How many shoppers said they are done with ``month``."""
    return int(
        connection.execute(
            select(func.count()).select_from(finished_shoppers).where(finished_shoppers.c.month == month)
        ).scalar_one()
    )


def unmet_units(connection: Connection, month: int) -> int:
    """Units asked for in ``month`` that were not there."""
    return int(
        connection.execute(
            select(func.coalesce(func.sum(unmet_demand.c.quantity), 0)).where(unmet_demand.c.month == month)
        ).scalar_one()
    )


def outcomes(connection: Connection, month: int) -> list[ProductOutcome]:
    """The results the close stored for each line of ``month`` (none before the close)."""
    return [
        ProductOutcome(
            r.manufacturer_id,
            r.name,
            r.product,
            r.offered,
            r.sold,
            r.revenue_cents,
            r.unsold,
            r.unmet_demand,
        )
        for r in connection.execute(
            select(month_results, manufacturers.c.name)
            .join(manufacturers, manufacturers.c.manufacturer_id == month_results.c.manufacturer_id)
            .where(month_results.c.month == month)
            .order_by(manufacturers.c.name, month_results.c.product)
        )
    ]


def reports_since(connection: Connection, closed_at: datetime) -> list[tuple[str, str, str]]:
    """(manufacturer name, kind, payload) of the month reports queued from ``closed_at`` on.

    The reports are written in the closing transaction, stamped with the close's time, so
    only notifications from then on can hold that month's.
    """
    rows = connection.execute(
        select(manufacturers.c.name, notifications.c.kind, notifications.c.payload)
        .join(manufacturers, manufacturers.c.manufacturer_id == notifications.c.manufacturer_id)
        .where(notifications.c.kind == NoticeKind.MONTH_REPORT.value, notifications.c.created_at >= closed_at)
    )
    return [(str(name), str(kind), str(payload)) for name, kind, payload in rows]


def shoppers(connection: Connection, month: int, limit: int) -> list[str]:
    """Names of the customers who reserved anything in ``month`` (the dashboard tells people by them)."""
    line_ids = select(stock_lines.c.stock_line_id).where(stock_lines.c.month == month)
    rows = connection.execute(
        select(customers.c.name)
        .distinct()
        .join(reservations, reservations.c.customer_id == customers.c.customer_id)
        .where(reservations.c.stock_line_id.in_(line_ids))
        .order_by(customers.c.name)
        .limit(limit)
    ).scalars()
    return [str(name) for name in rows]
