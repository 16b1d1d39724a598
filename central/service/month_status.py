"""The month status read model: state, lines, orders, revenue, shoppers; once closed, results and advice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from central.domain import failures
from central.domain.month_clock import clock_of
from central.domain.months import MonthState, ProductOutcome
from central.domain.notices import MonthReportNotice, NoticeKind, decode
from central.domain.recommend import HORIZON_DAYS, Recommendation, window_months
from central.domain.stock import StockLine
from central.service.offers import load_month_lines
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

MAX_SHOPPER_NAMES = 1000


@dataclass
class MonthStatusView:
    """What GetMonthStatus returns."""

    month: int
    state: MonthState
    lines: list[StockLine]
    order_count: int
    revenue_cents: int
    skipped: list[str]
    finished_shoppers: int
    unmet_demand: int
    opened_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    results: list[ProductOutcome] = field(default_factory=list)
    shoppers: list[str] = field(default_factory=list)
    # What each manufacturer was told to produce, by name; empty before the close.
    advice: dict[str, list[Recommendation]] = field(default_factory=dict)
    horizon_days: int = 0
    window: list[int] = field(default_factory=list)
    # The month's clock (see ``central.domain.month_clock``).
    paused_at: datetime | None = None
    paused_ms: int = 0
    close_after_seconds: int = 0
    closes_at: datetime | None = None

    @property
    def paused(self) -> bool:
        """Whether the month's clock is stopped (only an open month is ever paused)."""
        return self.paused_at is not None


def read_status(connection: Connection, month: int, now: datetime) -> MonthStatusView:
    """The status of ``month``, or of the latest month when ``month`` is 0 (an empty CLOSED view if none).

    ``now`` counts the pause in progress into ``paused_ms`` and ``closes_at``.
    """
    query = select(months)
    query = query.where(months.c.month == month) if month else query.order_by(months.c.month.desc()).limit(1)
    row = connection.execute(query).first()
    if row is None:
        if month:
            raise failures.month_not_open(month, "unknown")
        return MonthStatusView(0, MonthState.CLOSED, [], 0, 0, [], 0, 0, None, None, "")
    month = row.month
    order_count, revenue = connection.execute(
        select(func.count(), func.coalesce(func.sum(orders.c.total_cents), 0)).where(orders.c.month == month)
    ).one()
    finished = connection.execute(
        select(func.count()).select_from(finished_shoppers).where(finished_shoppers.c.month == month)
    ).scalar_one()
    unmet = connection.execute(
        select(func.coalesce(func.sum(unmet_demand.c.quantity), 0)).where(unmet_demand.c.month == month)
    ).scalar_one()
    results = [
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
    closed = row.closed_at is not None
    return MonthStatusView(
        month,
        MonthState(row.state),
        load_month_lines(connection, month),
        int(order_count),
        int(revenue),
        [name for name in row.skipped_manufacturers.split("\n") if name],
        int(finished),
        int(unmet),
        row.opened_at,
        row.closed_at,
        row.close_reason,
        results,
        _shoppers(connection, month),
        _advice(connection, month, row.closed_at) if closed else {},
        HORIZON_DAYS if closed else 0,
        list(window_months(month)) if closed else [],
        **_clock_fields(row, now),
    )


def _advice(connection: Connection, month: int, closed_at: datetime) -> dict[str, list[Recommendation]]:
    """The recommendations the close queued for each manufacturer, read back from the outbox.

    The reports are written in the closing transaction, stamped with the close's time, so
    only notifications from then on can hold this month's.
    """
    rows = connection.execute(
        select(manufacturers.c.name, notifications.c.kind, notifications.c.payload)
        .join(manufacturers, manufacturers.c.manufacturer_id == notifications.c.manufacturer_id)
        .where(notifications.c.kind == NoticeKind.MONTH_REPORT.value, notifications.c.created_at >= closed_at)
    )
    advice: dict[str, list[Recommendation]] = {}
    for name, kind, payload in rows:
        notice = decode(kind, payload)
        if isinstance(notice, MonthReportNotice) and notice.month == month:
            advice[str(name)] = sorted(notice.recommendations, key=lambda r: r.product)
    return advice


def _clock_fields(row: Any, now: datetime) -> dict[str, Any]:
    clock = clock_of(row)
    if row.state != MonthState.OPEN.value and clock.paused_at is not None:
        # Closed while paused: the pause ended with the month.
        now = clock.paused_at
    return {
        "paused_at": clock.paused_at if row.state == MonthState.OPEN.value else None,
        "paused_ms": clock.resumed_ms(now),
        "close_after_seconds": clock.close_after_seconds,
        "closes_at": clock.deadline(now),
    }


def _shoppers(connection: Connection, month: int) -> list[str]:
    """Names of the customers who reserved anything in ``month`` (the dashboard tells people by them)."""
    line_ids = select(stock_lines.c.stock_line_id).where(stock_lines.c.month == month)
    rows = connection.execute(
        select(customers.c.name)
        .distinct()
        .join(reservations, reservations.c.customer_id == customers.c.customer_id)
        .where(reservations.c.stock_line_id.in_(line_ids))
        .order_by(customers.c.name)
        .limit(MAX_SHOPPER_NAMES)
    ).scalars()
    return [str(name) for name in rows]
