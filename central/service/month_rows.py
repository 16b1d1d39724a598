"""The months table's transitions short of the close: begin collecting, open, a shopper finished."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Row

from central.domain import failures
from central.domain.months import MonthState
from central.storage.schema import finished_shoppers, months
from nodekit.errors import precondition


def latest_month(connection: Connection) -> Row[Any] | None:
    """The newest month's row, or None before the first month."""
    return connection.execute(select(months).order_by(months.c.month.desc()).limit(1)).first()


def begin_month(connection: Connection, expected_shoppers: int, close_after_s: int, now: datetime) -> int:
    """Starts the month after the latest one in COLLECTING; returns its number.

    Raises:
        DomainError: MONTH_ALREADY_OPEN while the latest month is not CLOSED.
    """
    row = connection.execute(
        select(months.c.month, months.c.state).order_by(months.c.month.desc()).limit(1)
    ).first()
    if row is not None and row.state != MonthState.CLOSED.value:
        raise precondition(
            "MONTH_ALREADY_OPEN",
            f"Month {row.month} is still {row.state}; close it first.",
            month=row.month,
        )
    month = 1 if row is None else row.month + 1
    connection.execute(
        insert(months).values(
            month=month,
            state=MonthState.COLLECTING.value,
            opened_at=now,
            close_reason="",
            expected_shoppers=expected_shoppers,
            close_after_seconds=close_after_s,
            skipped_manufacturers="",
        )
    )
    return month


def mark_open(connection: Connection, month: int, skipped: Collection[str] | None = None) -> bool:
    """Moves ``month`` from COLLECTING to OPEN, noting the manufacturers skipped (kept when None).

    Returns whether this call opened it (False when it was no longer COLLECTING).
    """
    values: dict[str, str] = {"state": MonthState.OPEN.value}
    if skipped is not None:
        values["skipped_manufacturers"] = "\n".join(sorted(skipped))
    opened = connection.execute(
        update(months)
        .where(months.c.month == month, months.c.state == MonthState.COLLECTING.value)
        .values(**values)
        .returning(months.c.month)
    ).first()
    return opened is not None


def finish_shopper(connection: Connection, month: int, customer_id: str, now: datetime) -> tuple[int, str]:
    """Records the shopper as done (once, and only while OPEN); returns (shoppers done, month state).

    Raises:
        DomainError: MONTH_NOT_OPEN when the month is unknown.
    """
    state = connection.execute(select(months.c.state).where(months.c.month == month)).scalar()
    if state is None:
        raise failures.month_not_open(month, "unknown")
    done = connection.execute(
        select(finished_shoppers.c.customer_id).where(
            finished_shoppers.c.month == month,
            finished_shoppers.c.customer_id == customer_id,
        )
    ).first()
    if done is None and state == MonthState.OPEN.value:
        connection.execute(insert(finished_shoppers).values(month=month, customer_id=customer_id, at=now))
    count = connection.execute(
        select(func.count()).select_from(finished_shoppers).where(finished_shoppers.c.month == month)
    ).scalar_one()
    return int(count), str(state)
