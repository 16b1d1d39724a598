"""Business days: the day in progress, closing it into its figures, and the reports still to submit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from branch_node.model import DayFigures
from branch_node.storage.schema import daily_reports, stock_movements, transactions
from branch_node.storage.store import get_state, put_state

BUSINESS_DAY = "business_day"


def current_day(connection: Connection, today: date) -> str:
    """The business day in progress; the first start begins on ``today``."""
    return get_state(connection, BUSINESS_DAY) or today.isoformat()


def close_day(connection: Connection, today: date) -> DayFigures:
    """Closes the business day in progress: stores its figures and moves to the next day."""
    day = current_day(connection, today)
    revenue, count = connection.execute(
        select(func.coalesce(func.sum(transactions.c.total_cents), 0), func.count()).where(
            transactions.c.business_day == day
        )
    ).one()
    loss = connection.execute(
        select(func.coalesce(func.sum(stock_movements.c.value_cents), 0)).where(
            stock_movements.c.business_day == day, stock_movements.c.kind == "adjustment"
        )
    ).scalar_one()
    last = int(
        connection.execute(
            select(func.coalesce(func.max(transactions.c.sequence), 0)).where(
                transactions.c.business_day <= day
            )
        ).scalar_one()
    )
    figures = DayFigures(day, int(revenue), int(loss), int(count), last)
    connection.execute(
        insert(daily_reports).values(
            business_day=day,
            revenue_cents=figures.revenue_cents,
            loss_cents=figures.loss_cents,
            transaction_count=figures.transaction_count,
            last_sequence=last,
        )
    )
    following = date.fromisoformat(day) + timedelta(days=1)
    put_state(connection, BUSINESS_DAY, following.isoformat())
    return figures


def unsubmitted_days(connection: Connection) -> list[DayFigures]:
    """Closed days not yet accepted by the central, oldest first."""
    rows = connection.execute(
        select(daily_reports)
        .where(daily_reports.c.submitted_at.is_(None))
        .order_by(daily_reports.c.business_day)
    )
    return [
        DayFigures(
            row.business_day,
            int(row.revenue_cents),
            int(row.loss_cents),
            int(row.transaction_count),
            int(row.last_sequence),
        )
        for row in rows
    ]


def mark_submitted(connection: Connection, day: str, now: datetime) -> None:
    """Records that the central holds the day's report."""
    connection.execute(
        update(daily_reports).where(daily_reports.c.business_day == day).values(submitted_at=now)
    )
