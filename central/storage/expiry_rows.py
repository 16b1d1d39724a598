"""Expiry in the database: which reservations are due, and releasing them as a conditional write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from central.domain.reservations import ReservationState
from central.domain.stock import Counters, Movement
from central.storage import movements, statements
from central.storage.movements import MovementRow
from central.storage.schema import reservations

# Reservations one sweep releases in one write; a full sweep is followed by the next at once.
SWEEP_LIMIT = 2000

ACTIVE, EXPIRED = ReservationState.ACTIVE.value, ReservationState.EXPIRED.value


@dataclass(frozen=True, slots=True)
class Sweep:
    """What one sweep released: reservations, and per line the units and the counters after."""

    reservations: int
    lines: dict[int, tuple[int, Counters]]
    # When the earliest reservation still active falls due (None: there is none).
    next_due: datetime | None = None

    @property
    def units(self) -> int:
        """Units given back in all."""
        return sum(units for units, _ in self.lines.values())


def expire_reservations(
    connection: Connection, candidates: Iterable[str], now: datetime
) -> dict[int, tuple[int, Counters]]:
    """Expires those of ``candidates`` that are still active and due, and gives their units back.

    The update itself checks the state, so a reservation removed, checked out or
    expired by someone else since it was picked is left alone and released once.
    Returns, per line, the units given back and the line's counters after.
    """
    ids = list(candidates)
    expired = connection.execute(
        update(reservations)
        .where(
            reservations.c.reservation_id.in_(ids),
            reservations.c.state == ACTIVE,
            reservations.c.expires_at <= now,
        )
        .values(state=EXPIRED)
        .returning(reservations.c.reservation_id, reservations.c.stock_line_id, reservations.c.quantity)
    ).all()
    if not expired:
        return {}
    given = statements.unreserve_per_line(connection, [(r.stock_line_id, r.quantity) for r in expired])
    moves = [
        MovementRow(
            r.stock_line_id, Movement.EXPIRED, r.quantity, "central", "reservation expired", r.reservation_id
        )
        for r in expired
    ]
    movements.append(connection, moves, now)
    return given


def due_reservations(
    connection: Connection, now: datetime, limit: int = SWEEP_LIMIT
) -> list[tuple[str, int]]:
    """(reservation id, stock line id) of up to ``limit`` active reservations due at ``now``, oldest first."""
    rows = connection.execute(
        select(reservations.c.reservation_id, reservations.c.stock_line_id)
        .where(reservations.c.state == ACTIVE, reservations.c.expires_at <= now)
        .order_by(reservations.c.expires_at)
        .limit(limit)
    ).all()
    return [(str(r.reservation_id), int(r.stock_line_id)) for r in rows]


def expire_due(connection: Connection, now: datetime) -> Sweep:
    """Picks and expires up to SWEEP_LIMIT reservations due at ``now``, in one write."""
    due = due_reservations(connection, now)
    ids = [reservation_id for reservation_id, _ in due]
    lines = expire_reservations(connection, ids, now) if due else {}
    return Sweep(len(due), lines, next_expiry(connection))


def next_expiry(connection: Connection) -> datetime | None:
    """When the earliest active reservation expires."""
    return connection.execute(
        select(func.min(reservations.c.expires_at)).where(reservations.c.state == ACTIVE)
    ).scalar()
