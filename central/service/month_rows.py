"""The months table's transitions short of the close: begin collecting, open, a shopper finished."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Row

from central.domain import failures
from central.domain.months import MonthState
from central.storage import changes
from central.storage.schema import finished_shoppers, months
from central.storage.serialize import Exclusive, one_at_a_time
from nodekit.errors import precondition


def latest_month(connection: Connection) -> Row[Any] | None:
    """The newest month's row, or None before the first month."""
    return connection.execute(select(months).order_by(months.c.month.desc()).limit(1)).first()


def begin_month(
    connection: Connection, expected_shoppers: int, close_after_s: int, now: datetime, offers_due_at: datetime
) -> int:
    """Starts the month after the latest one in COLLECTING; returns its number.

    Raises:
        DomainError: MONTH_ALREADY_OPEN while the latest month is not CLOSED.
    """
    one_at_a_time(connection, Exclusive.MONTHS)
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
    changes.month(connection)
    connection.execute(
        insert(months).values(
            month=month,
            state=MonthState.COLLECTING.value,
            opened_at=now,
            close_reason="",
            expected_shoppers=expected_shoppers,
            close_after_seconds=close_after_s,
            skipped_manufacturers="",
            offers_due_at=offers_due_at,
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
    if opened is not None:
        changes.month(connection)
    return opened is not None


@dataclass(frozen=True, slots=True)
class Finished:
    """After a shopper finished: how many are done, the month's state and how many it expects."""

    count: int
    state: str
    expected: int


def finish_shopper(connection: Connection, month: int, customer_id: str, now: datetime) -> Finished:
    """Records the shopper as done (once, and only while OPEN).

    Raises:
        DomainError: MONTH_NOT_OPEN when the month is unknown.
    """
    row = connection.execute(
        select(months.c.state, months.c.expected_shoppers).where(months.c.month == month)
    ).first()
    if row is None:
        raise failures.month_not_open(month, "unknown")
    done = connection.execute(
        select(finished_shoppers.c.customer_id).where(
            finished_shoppers.c.month == month,
            finished_shoppers.c.customer_id == customer_id,
        )
    ).first()
    if done is None and row.state == MonthState.OPEN.value:
        connection.execute(insert(finished_shoppers).values(month=month, customer_id=customer_id, at=now))
    count = connection.execute(
        select(func.count()).select_from(finished_shoppers).where(finished_shoppers.c.month == month)
    ).scalar_one()
    return Finished(int(count), str(row.state), int(row.expected_shoppers))
