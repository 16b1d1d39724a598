"""Stock lines in the database: an offer's rows, and the loaders of lines with their manufacturers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Row

from central.domain.months import MonthState
from central.domain.stock import Counters, Movement, OfferLineInput, StockLine
from central.storage import changes, movements, statements
from central.storage.month_rows import not_skipped
from central.storage.movements import MovementRow
from central.storage.schema import manufacturers, months, stock_lines
from central.storage.serialize import Exclusive, one_at_a_time
from nodekit.errors import precondition


def manufacturer_id_for(connection: Connection, name: str, now: datetime) -> int:
    """The manufacturer's id, creating a row (without a key) for an operator-entered name."""
    one_at_a_time(connection, Exclusive.MANUFACTURERS)
    row = connection.execute(
        select(manufacturers.c.manufacturer_id).where(manufacturers.c.name == name)
    ).first()
    if row is not None:
        return int(row[0])
    result = connection.execute(insert(manufacturers).values(name=name, created_at=now))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def record_offer(
    connection: Connection,
    manufacturer_name: str,
    month: int,
    lines: list[OfferLineInput],
    now: datetime,
) -> list[StockLine]:
    """Creates the stock lines of an offer; the same offer again is a no-op, a different one is refused."""
    # The month's row is held to the commit: an open racing this offer either sees its lines or
    # waits, and this offer then takes its name off the skipped list the open wrote.
    row = connection.execute(
        select(months.c.state, months.c.skipped_manufacturers)
        .where(months.c.month == month)
        .with_for_update()
    ).first()
    state = row.state if row is not None else None
    if state not in (MonthState.COLLECTING.value, MonthState.OPEN.value):
        raise precondition(
            "MONTH_NOT_ACCEPTING_OFFERS",
            f"Month {month} is not collecting or open; offers go to the current month.",
            month=month,
        )
    manufacturer_id = manufacturer_id_for(connection, manufacturer_name, now)
    existing = {
        row.product: row
        for row in connection.execute(
            select(stock_lines).where(
                stock_lines.c.month == month, stock_lines.c.manufacturer_id == manufacturer_id
            )
        )
    }
    if existing:
        same = len(existing) == len(lines) and all(
            line.product in existing
            and existing[line.product].offered == line.quantity
            and existing[line.product].unit_price_cents == line.unit_price_cents
            for line in lines
        )
        if not same:
            raise precondition(
                "OFFER_ALREADY_SUBMITTED",
                f"{manufacturer_name} already offered different goods for month {month}.",
                manufacturer=manufacturer_name,
                month=month,
            )
        return [_line(row, manufacturer_name) for row in existing.values()]
    created: list[StockLine] = []
    moves: list[MovementRow] = []
    for line in lines:
        result = connection.execute(
            insert(stock_lines).values(
                month=month,
                manufacturer_id=manufacturer_id,
                product=line.product,
                unit_price_cents=line.unit_price_cents,
                offered=line.quantity,
                reserved=0,
                sold=0,
            )
        )
        stock_line_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        created.append(
            StockLine(
                stock_line_id,
                month,
                manufacturer_id,
                manufacturer_name,
                line.product,
                line.unit_price_cents,
                line.quantity,
            )
        )
        moves.append(
            MovementRow(
                stock_line_id,
                Movement.OFFERED,
                line.quantity,
                f"manufacturer:{manufacturer_name}",
                f"offer for month {month}",
            )
        )
    movements.append(connection, moves, now)
    changes.lines(connection, (line.stock_line_id for line in created))
    if row is not None and state == MonthState.OPEN.value:
        not_skipped(connection, month, manufacturer_name, row.skipped_manufacturers)
    return created


def _line(row: Row[Any], manufacturer_name: str) -> StockLine:
    return StockLine(
        row.stock_line_id,
        row.month,
        row.manufacturer_id,
        manufacturer_name,
        row.product,
        row.unit_price_cents,
        row.offered,
        row.reserved,
        row.sold,
        row.version,
    )


def load_lines(connection: Connection, stock_line_ids: list[int]) -> list[StockLine]:
    """These stock lines with their manufacturers' names."""
    rows = connection.execute(
        select(stock_lines, manufacturers.c.name)
        .join(manufacturers, manufacturers.c.manufacturer_id == stock_lines.c.manufacturer_id)
        .where(stock_lines.c.stock_line_id.in_(stock_line_ids))
    ).all()
    return [_line(row, row.name) for row in rows]


def load_month_lines(connection: Connection, month: int) -> list[StockLine]:
    """Every stock line of ``month`` with its manufacturer's name."""
    rows = connection.execute(
        select(stock_lines, manufacturers.c.name)
        .join(manufacturers, manufacturers.c.manufacturer_id == stock_lines.c.manufacturer_id)
        .where(stock_lines.c.month == month)
        .order_by(stock_lines.c.product, manufacturers.c.name)
    ).all()
    return [_line(row, row.name) for row in rows]


def line_counters(connection: Connection, line_ids: list[int]) -> list[Counters]:
    """The counters of these stock lines as the database has them."""
    rows = connection.execute(statements.LINE_COUNTERS.where(stock_lines.c.stock_line_id.in_(line_ids))).all()
    return [statements.counters(tuple(row)) for row in rows]


# A follower's "changed since" read, at a bounded rate on the change feed's own connection (asyncpg,
# which prepares it once): the lines the book knows at their version are left out by the database,
# so a quiet month costs the central no row to decode, and a month of thousands only those that moved.
CHANGED_COUNTERS_SQL = (
    "SELECT s.stock_line_id, s.offered, s.reserved, s.sold, s.version FROM stock_lines s"
    " WHERE s.month = $1 AND NOT EXISTS (SELECT 1 FROM unnest($2::bigint[], $3::bigint[]) AS k(id, version)"
    " WHERE k.id = s.stock_line_id AND k.version >= s.version)"
)
