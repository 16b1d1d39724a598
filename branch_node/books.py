"""Reads and small writes over the branch's books: outbox, acks, business days, alerts, shelves."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from branch_node.model import Alert, DayFigures, Sale, SaleItem
from branch_node.shop import OPEN_STATES
from branch_node.storage.schema import (
    alerts,
    daily_reports,
    inventory,
    outbox,
    stock_movements,
    transaction_items,
    transactions,
)
from branch_node.storage.store import get_state, put_state

BUSINESS_DAY = "business_day"


def pending_sales(connection: Connection, after: int, limit: int) -> list[Sale]:
    """Outbox sales with a sequence above ``after``, in order (acked or not: the central decides)."""
    rows = connection.execute(
        select(transactions)
        .join(outbox, outbox.c.transaction_id == transactions.c.transaction_id)
        .where(outbox.c.sequence > after)
        .order_by(outbox.c.sequence)
        .limit(limit)
    ).all()
    if not rows:
        return []
    ids = [row.transaction_id for row in rows]
    items: dict[str, list[SaleItem]] = {tid: [] for tid in ids}
    for item in connection.execute(
        select(transaction_items)
        .where(transaction_items.c.transaction_id.in_(ids))
        .order_by(transaction_items.c.transaction_id, transaction_items.c.position)
    ):
        items[item.transaction_id].append(
            SaleItem(item.product, int(item.quantity), int(item.unit_price_cents))
        )
    return [
        Sale(
            row.transaction_id,
            int(row.sequence),
            row.occurred_at,
            row.business_day,
            tuple(items[row.transaction_id]),
            int(row.subtotal_cents),
            int(row.tax_cents),
            int(row.total_cents),
            row.payment_method,
            row.customer_name,
        )
        for row in rows
    ]


def mark_acked(connection: Connection, through: int, now: datetime) -> None:
    """Marks every outbox row up to ``through`` as committed at the central."""
    connection.execute(
        update(outbox).where(outbox.c.sequence <= through, outbox.c.acked_at.is_(None)).values(acked_at=now)
    )


def acked_through(connection: Connection) -> int:
    """The highest sequence such that it and all before it are acknowledged."""
    first_open = connection.execute(
        select(func.min(outbox.c.sequence)).where(outbox.c.acked_at.is_(None))
    ).scalar()
    if first_open is not None:
        return int(first_open) - 1
    return int(connection.execute(select(func.coalesce(func.max(outbox.c.sequence), 0))).scalar_one())


def last_sequence(connection: Connection) -> int:
    """The newest sale's sequence (0 if none)."""
    return int(connection.execute(select(func.coalesce(func.max(outbox.c.sequence), 0))).scalar_one())


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


def open_alerts(connection: Connection) -> list[Alert]:
    """Alerts whose reorder has not arrived yet, oldest first."""
    rows = connection.execute(
        select(alerts, inventory.c.reorder_quantity)
        .join(inventory, inventory.c.product == alerts.c.product)
        .where(alerts.c.state.in_(OPEN_STATES))
        .order_by(alerts.c.alert_id)
    )
    return [
        Alert(
            int(row.alert_id),
            row.product,
            int(row.quantity),
            int(row.reorder_point),
            int(row.reorder_quantity),
            row.raised_at,
            row.state,
            int(row.attempt),
        )
        for row in rows
    ]


def set_alert_state(connection: Connection, alert_id: int, state: str, attempt: int) -> None:
    """Moves an open alert between ``open`` and ``checkout`` (or to its next attempt)."""
    connection.execute(
        update(alerts)
        .where(alerts.c.alert_id == alert_id, alerts.c.state.in_(OPEN_STATES))
        .values(state=state, attempt=attempt)
    )
