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
from central.storage.schema import finished_shoppers, manufacturers, months, stock_lines
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


def mark_open(connection: Connection, month: int, skipped: Collection[str] | None = None) -> list[str] | None:
    """Moves ``month`` from COLLECTING to OPEN, noting the manufacturers skipped (kept when None).

    Returns the names recorded as skipped, or None when this call did not open the month (it was
    no longer COLLECTING). A name with stock lines in the month is not skipped: its offer was
    recorded after the collector last looked, and it is on sale.
    """
    opened = connection.execute(
        update(months)
        .where(months.c.month == month, months.c.state == MonthState.COLLECTING.value)
        .values(state=MonthState.OPEN.value)
        .returning(months.c.skipped_manufacturers)
    ).first()
    if opened is None:
        return None
    changes.month(connection)
    if skipped is None:
        return [name for name in opened.skipped_manufacturers.split("\n") if name]
    # The update holds the month's row, so an offer still being recorded waits for this
    # transaction, finds the month open and takes its name off the list itself.
    offered = set(
        connection.execute(
            select(manufacturers.c.name)
            .join(stock_lines, stock_lines.c.manufacturer_id == manufacturers.c.manufacturer_id)
            .where(stock_lines.c.month == month)
        ).scalars()
    )
    names = sorted(set(skipped) - offered)
    connection.execute(
        update(months).where(months.c.month == month).values(skipped_manufacturers="\n".join(names))
    )
    return names


def not_skipped(connection: Connection, month: int, name: str, skipped_text: str) -> None:
    """Takes ``name`` off the month's skipped manufacturers (``skipped_text``, read under the row's lock)."""
    names = [n for n in skipped_text.split("\n") if n]
    if name in names:
        names.remove(name)
        connection.execute(
            update(months).where(months.c.month == month).values(skipped_manufacturers="\n".join(names))
        )
        changes.month(connection)


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
