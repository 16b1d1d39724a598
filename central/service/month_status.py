"""The month status read model: state, lines, orders, revenue, shoppers; once closed, results and advice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from central.domain import failures
from central.domain.month_clock import clock_of
from central.domain.months import MonthState, ProductOutcome
from central.domain.notices import MonthReportNotice, decode
from central.domain.recommend import HORIZON_DAYS, Recommendation, window_months
from central.domain.stock import StockLine
from central.storage import month_reads
from central.storage.stock_rows import load_month_lines

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
    row = month_reads.month_row(connection, month)
    if row is None:
        if month:
            raise failures.month_not_open(month, "unknown")
        return MonthStatusView(0, MonthState.CLOSED, [], 0, 0, [], 0, 0, None, None, "")
    month = row.month
    order_count, revenue = month_reads.order_totals(connection, month)
    closed = row.closed_at is not None
    return MonthStatusView(
        month,
        MonthState(row.state),
        load_month_lines(connection, month),
        order_count,
        revenue,
        [name for name in row.skipped_manufacturers.split("\n") if name],
        month_reads.finished_count(connection, month),
        month_reads.unmet_units(connection, month),
        row.opened_at,
        row.closed_at,
        row.close_reason,
        month_reads.outcomes(connection, month),
        month_reads.shoppers(connection, month, MAX_SHOPPER_NAMES),
        _advice(connection, month, row.closed_at) if closed else {},
        HORIZON_DAYS if closed else 0,
        list(window_months(month)) if closed else [],
        **_clock_fields(row, now),
    )


def _advice(connection: Connection, month: int, closed_at: datetime) -> dict[str, list[Recommendation]]:
    """The recommendations the close queued for each manufacturer, read back from the outbox."""
    advice: dict[str, list[Recommendation]] = {}
    for name, kind, payload in month_reads.reports_since(connection, closed_at):
        notice = decode(kind, payload)
        if isinstance(notice, MonthReportNotice) and notice.month == month:
            advice[name] = sorted(notice.recommendations, key=lambda r: r.product)
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
