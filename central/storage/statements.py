"""The hot path's statements (reserve, cart removal, unmet demand, units back), built and compiled once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, String, and_, bindparam, exists, insert, literal, select, update
from sqlalchemy.engine import Connection

from central.domain.months import MonthState
from central.domain.reservations import ReservationState
from central.domain.stock import Counters, Movement
from central.storage import changes
from central.storage.schema import (
    months,
    reservations,
    stock_lines,
    stock_movements,
    unmet_demand,
)
from nodekit.db.prepared import Prepared, prepared_insert
from nodekit.db.types import UtcDateTime

# The stored values, for statements and for comparing rows read back.
ACTIVE = ReservationState.ACTIVE.value
EXPIRED = ReservationState.EXPIRED.value

# What the statements that change a line share (here and in ``checkout_statements``).
free_units = stock_lines.c.offered - stock_lines.c.reserved - stock_lines.c.sold
this_line = stock_lines.c.stock_line_id == bindparam("line")


# Every statement that changes a line returns its counters, which the book then takes.
counter_columns = (
    stock_lines.c.stock_line_id,
    stock_lines.c.offered,
    stock_lines.c.reserved,
    stock_lines.c.sold,
    stock_lines.c.version,
)
next_version = stock_lines.c.version + 1
_month_open = exists().where(
    and_(months.c.month == stock_lines.c.month, months.c.state == MonthState.OPEN.value)
)

# -- reserve ---------------------------------------------------------------------
RESERVE_REASON = "added to cart"
# The database arbitrates every reservation: the units must be free and the month open.
RESERVE = Prepared(
    update(stock_lines)
    .where(this_line, free_units >= bindparam("quantity"), _month_open)
    .values(reserved=stock_lines.c.reserved + bindparam("quantity"), version=next_version)
    .returning(*counter_columns)
)
# Why a reservation was refused: the units free now, and the state of the line's month.
REFUSAL = Prepared(
    select(free_units, months.c.state, stock_lines.c.month)
    .select_from(stock_lines.join(months, months.c.month == stock_lines.c.month))
    .where(this_line)
)
INSERT_RESERVATION = prepared_insert(
    reservations,
    "reservation_id",
    "customer_id",
    "stock_line_id",
    "quantity",
    "state",
    "created_at",
    "expires_at",
)
# PostgreSQL: the same three writes in one statement (one round trip, one statement to plan and run).
# The inserts take their line from what the update returned, so a refused update inserts nothing.
_taken = RESERVE.statement.cte("taken")
_reservation = bindparam("reservation_id", type_=String(32))
_quantity = bindparam("quantity", type_=BigInteger)
_now = bindparam("created_at", type_=UtcDateTime())
_hold = insert(reservations).from_select(
    ["reservation_id", "customer_id", "stock_line_id", "quantity", "state", "created_at", "expires_at"],
    select(
        _reservation,
        bindparam("customer_id", type_=String(32)),
        _taken.c.stock_line_id,
        _quantity,
        literal(ACTIVE, String(16)),
        _now,
        bindparam("expires_at", type_=UtcDateTime()),
    ),
)
_move = insert(stock_movements).from_select(
    ["stock_line_id", "kind", "quantity", "actor", "reason", "reference", "at"],
    select(
        _taken.c.stock_line_id,
        literal(Movement.RESERVED.value, String(16)),
        _quantity,
        bindparam("actor", type_=String(140)),
        literal(RESERVE_REASON, String(200)),
        _reservation,
        _now,
    ),
)
# Each row ends with its reservation's id, which tells whose it is when a batch sends many at once.
RESERVE_AND_HOLD = Prepared(
    select(*_taken.c, _reservation).add_cte(_hold.cte("held")).add_cte(_move.cte("moved"))
)
INSERT_UNMET = prepared_insert(unmet_demand, "month", "stock_line_id", "customer_id", "quantity", "at")

# -- cart removal ------------------------------------------------------------------
# Each returns the reservations it actually ended, so units are given back once.
_customers_line = and_(
    reservations.c.customer_id == bindparam("customer"), reservations.c.stock_line_id == bindparam("line")
)
RELEASE_ACTIVE = Prepared(
    update(reservations)
    .where(_customers_line, reservations.c.state == ACTIVE)
    .values(state=ReservationState.RELEASED.value)
    .returning(reservations.c.reservation_id, reservations.c.quantity)
)
RELEASE_EXPIRED = Prepared(
    update(reservations)
    .where(_customers_line, reservations.c.state == EXPIRED)
    .values(state=ReservationState.RELEASED.value)
    .returning(reservations.c.reservation_id)
)
# The same two releases narrowed to one reservation (a person removing one row of the cart).
_customers_reservation = and_(_customers_line, reservations.c.reservation_id == bindparam("reservation"))
RELEASE_ONE_ACTIVE = Prepared(
    update(reservations)
    .where(_customers_reservation, reservations.c.state == ACTIVE)
    .values(state=ReservationState.RELEASED.value)
    .returning(reservations.c.reservation_id, reservations.c.quantity)
)
RELEASE_ONE_EXPIRED = Prepared(
    update(reservations)
    .where(_customers_reservation, reservations.c.state == EXPIRED)
    .values(state=ReservationState.RELEASED.value)
    .returning(reservations.c.reservation_id)
)


def counters(row: tuple[Any, ...]) -> Counters:
    """A returned (id, offered, reserved, sold, version) row as Counters."""
    return Counters(int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]))


def changed(connection: Connection, row: tuple[Any, ...]) -> Counters:
    """The counters a write returned, noted for the change feed."""
    after = counters(row)
    counts = (after.offered, after.reserved, after.sold, after.version)
    changes.counted(connection, after.stock_line_id, counts)
    return after


# Current counters of some lines (the change feed's read, and a repair's).
LINE_COUNTERS = select(*counter_columns)
# Gives one line's held units back; ``unreserve_per_line`` sums them per line first.
UNRESERVE = Prepared(
    update(stock_lines)
    .where(this_line, stock_lines.c.reserved >= bindparam("quantity"))
    .values(reserved=stock_lines.c.reserved - bindparam("quantity"), version=next_version)
    .returning(*counter_columns)
)


def unreserve_per_line(
    connection: Connection, held: Iterable[tuple[int, int]]
) -> dict[int, tuple[int, Counters]]:
    """Gives held units back to their lines, one update per line (in line order).

    ``held`` is (stock line id, quantity) pairs of reservations this transaction
    has just ended. Returns, per line, the units given back and the counters after.

    Raises:
        RuntimeError: a line holds fewer reserved units than its ended reservations (the
            database's own books would be broken; the transaction must not commit).
    """
    per_line: dict[int, int] = defaultdict(int)
    for line_id, quantity in held:
        per_line[line_id] += quantity
    given: dict[int, tuple[int, Counters]] = {}
    for line_id in sorted(per_line):
        row = UNRESERVE.first(connection, {"line": line_id, "quantity": per_line[line_id]})
        if row is None:
            raise RuntimeError(f"stock line {line_id} holds fewer than {per_line[line_id]} reserved units")
        given[line_id] = (per_line[line_id], changed(connection, row))
    return given
