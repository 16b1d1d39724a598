"""Offers: a manufacturer's lines for a month become stock lines, in the database and then in the book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Row

from central.domain import rules
from central.domain.months import MonthState
from central.domain.stock import Movement, StockLine
from central.service.core import Core
from central.service.month_rows import not_skipped
from central.storage import changes, movements
from central.storage.movements import MovementRow
from central.storage.schema import manufacturers, months, stock_lines
from central.storage.serialize import Exclusive, one_at_a_time
from nodekit.errors import invalid, precondition


@dataclass(frozen=True, slots=True)
class OfferLineInput:
    """One product of an offer."""

    product: str
    quantity: int
    unit_price_cents: int


class OfferDesk:
    """Records manufacturers' offers; a line offered while the month is OPEN goes on sale at once.

    It needs only the core, not the month desk: the manufacturer links record the
    offers they collect here, so the month desk can take the links as its collector.
    """

    def __init__(self, core: Core) -> None:
        self._core = core

    async def submit_offer(
        self, manufacturer_name: str, month: int, lines: list[OfferLineInput]
    ) -> list[StockLine]:
        """Records a manufacturer's offer for the current month."""
        clean = validate_offer(lines)
        now = self._core.clock()
        return await self._core.writer.run(
            lambda connection: record_offer(connection, manufacturer_name, month, clean, now),
            lambda created: self._follow(month, created),
        )

    def _follow(self, month: int, created: list[StockLine]) -> None:
        book = self._core.book
        if book.month == month and book.state is MonthState.OPEN:
            fresh = [line for line in created if line.stock_line_id not in book.lines]
            for line in fresh:
                book.lines[line.stock_line_id] = line
            self._core.hub.changed([line.stock_line_id for line in fresh])


def validate_offer(lines: list[OfferLineInput]) -> list[OfferLineInput]:
    """Checks every line (names, quantities, prices, no product twice)."""
    if not lines:
        raise invalid("EMPTY_OFFER", "An offer needs at least one line.")
    seen: set[str] = set()
    clean: list[OfferLineInput] = []
    for line in lines:
        product = rules.name(line.product, "product name")
        if product in seen:
            raise invalid("DUPLICATE_PRODUCT", f"{product} appears twice in the offer.", product=product)
        seen.add(product)
        clean.append(
            OfferLineInput(
                product, rules.quantity(line.quantity), rules.price(line.unit_price_cents, product)
            )
        )
    return clean


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
