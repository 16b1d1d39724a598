"""The cart's writes (reserve, release), run by the writer inside a batch's transaction.

Each is a conditional statement first: it changes only what is still in the
state it expects and returns what it changed, and the rest of the write
follows only those rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from central.domain.months import MonthState
from central.domain.stock import Counters, Movement
from central.storage import movements, statements
from central.storage.movements import MovementRow
from central.storage.statements import ACTIVE
from nodekit.db.batch import Piped
from nodekit.errors import not_found


@dataclass(frozen=True, slots=True)
class ReserveRequest:
    """One add-to-cart, as the writer needs it.

    The time-to-live starts when the write runs, not when the request arrived:
    a request that waited in a busy writer's queue still gets its whole hold.
    """

    reservation_id: str
    customer_id: str
    stock_line_id: int
    quantity: int
    clock: Callable[[], datetime]
    ttl: timedelta


@dataclass(frozen=True, slots=True)
class Reserved:
    """A reservation made: the line's counters after it, and when it expires."""

    counters: Counters
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Refused:
    """The database refused a reservation: the units free at that moment, and the month's state."""

    available: int
    month_state: MonthState

    @property
    def month_open(self) -> bool:
        """Whether the line's month was still open."""
        return self.month_state is MonthState.OPEN


@dataclass(frozen=True, slots=True)
class Released:
    """What a removal gave back: units of live reservations, and the line's counters after."""

    units: int
    counters: Counters | None


def reserve(connection: Connection, request: ReserveRequest) -> Reserved | Refused:
    """Reserves the units if they are free and the month is open; a refusal records the unmet demand."""
    hold = _hold(request)
    if connection.dialect.name == "postgresql":
        # One statement: the reservation and its movement are inserted only if the update took the units.
        held = statements.RESERVE_AND_HOLD.first(connection, hold)
        return _reserved(connection, hold, None if held is None else held[:-1])
    taken = statements.RESERVE.first(connection, hold)
    if taken is not None:
        statements.INSERT_RESERVATION.execute(connection, hold)
        move = MovementRow(
            hold["line"],
            Movement.RESERVED,
            hold["quantity"],
            hold["actor"],
            statements.RESERVE_REASON,
            hold["reservation_id"],
        )
        movements.append(connection, [move], hold["created_at"])
    return _reserved(connection, hold, taken)


def piped_reserve(request: ReserveRequest) -> Piped[Reserved | Refused]:
    """The reserve on PostgreSQL as one statement and its rest, sent with the batch's other reserves."""
    return Piped(statements.RESERVE_AND_HOLD, lambda: _hold(request), "reservation_id", _reserved)


def _hold(request: ReserveRequest) -> dict[str, Any]:
    """The reserve's parameters; its time-to-live starts now, as the write runs."""
    now = request.clock()
    return {
        "reservation_id": request.reservation_id,
        "customer_id": request.customer_id,
        "line": request.stock_line_id,
        "stock_line_id": request.stock_line_id,
        "quantity": request.quantity,
        "state": ACTIVE,
        "created_at": now,
        "expires_at": now + request.ttl,
        "actor": f"customer:{request.customer_id}",
    }


def _reserved(
    connection: Connection, hold: Mapping[str, Any], taken: tuple[Any, ...] | None
) -> Reserved | Refused:
    """The outcome from the line's counters the update returned; None: refused, and why."""
    if taken is not None:
        return Reserved(statements.changed(connection, taken), hold["expires_at"])
    line_id = hold["line"]
    found = statements.REFUSAL.first(connection, {"line": line_id})
    if found is None:
        return Refused(0, MonthState.CLOSED)
    available, state, month = found
    refused = Refused(max(int(available), 0), MonthState(state))
    if refused.month_open:
        # Unmet demand is the shortfall: what was asked for beyond what was there.
        unmet = {
            "month": month,
            "stock_line_id": line_id,
            "customer_id": hold["customer_id"],
            "quantity": hold["quantity"] - refused.available,
            "at": hold["created_at"],
        }
        statements.INSERT_UNMET.execute(connection, unmet)
    return refused


def release(
    connection: Connection, customer_id: str, line_id: int, now: datetime, reservation_id: str = ""
) -> Released:
    """Ends the line's reservations in the customer's cart (or only ``reservation_id``).

    Gives back the units of the live ones; an expired one holds no units any more.
    """
    params: dict[str, object] = {"customer": customer_id, "line": line_id}
    if reservation_id:
        params["reservation"] = reservation_id
        live = statements.RELEASE_ONE_ACTIVE.rows(connection, params)
        lapsed = statements.RELEASE_ONE_EXPIRED.rows(connection, params)
    else:
        live = statements.RELEASE_ACTIVE.rows(connection, params)
        lapsed = statements.RELEASE_EXPIRED.rows(connection, params)
    if not live and not lapsed and reservation_id:
        raise not_found(
            "NOT_IN_CART",
            f"Reservation {reservation_id} of stock line {line_id} is not in your cart.",
            stock_line_id=line_id,
            reservation_id=reservation_id,
        )
    if not live and not lapsed:
        raise not_found("NOT_IN_CART", f"Stock line {line_id} is not in your cart.", stock_line_id=line_id)
    units = sum(int(quantity) for _, quantity in live)
    if not units:
        return Released(0, None)
    ((_, after),) = statements.unreserve_per_line(connection, [(line_id, units)]).values()
    actor = f"customer:{customer_id}"
    moves = [
        MovementRow(line_id, Movement.RELEASED, int(quantity), actor, "removed from cart", str(rid))
        for rid, quantity in live
    ]
    movements.append(connection, moves, now)
    return Released(units, after)
