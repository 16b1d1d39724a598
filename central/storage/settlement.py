"""The month close in the database: release reservations, return unsold goods, store each line's result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from central.domain import failures
from central.domain.months import CloseReason, MonthState, ProductOutcome
from central.domain.reservations import ReservationState
from central.domain.stock import Movement
from central.storage import changes, movements, statements
from central.storage.movements import MovementRow
from central.storage.pause_rows import deadline_conditions
from central.storage.schema import month_results, months, reservations, stock_lines, unmet_demand
from central.storage.stock_rows import load_month_lines


def settle_month(
    connection: Connection, month: int, reason: CloseReason, now: datetime
) -> list[ProductOutcome]:
    """Closes an OPEN ``month`` inside the caller's transaction; returns every line's result.

    Raises:
        DomainError: MONTH_NOT_OPEN when the month is unknown or not OPEN; for a deadline close,
            MONTH_PAUSED or DEADLINE_NOT_REACHED when the month's clock says it is not due.
    """
    # A deadline close also checks the month's clock: not while paused, not before a moved deadline.
    clock = deadline_conditions(connection, month, now) if reason is CloseReason.DEADLINE else []
    # The transition comes first and checks the state: only the close that made it settles the month.
    closed = connection.execute(
        update(months)
        .where(months.c.month == month, months.c.state == MonthState.OPEN.value, *clock)
        .values(state=MonthState.CLOSED.value, closed_at=now, close_reason=reason.value)
        .returning(months.c.month)
    ).first()
    if closed is None:
        state = connection.execute(select(months.c.state).where(months.c.month == month)).scalar()
        raise failures.month_not_open(month, state or "unknown")
    changes.month(connection)
    outcomes = _release_and_settle(connection, month, now)
    if outcomes:
        connection.execute(
            insert(month_results),
            [
                {
                    "month": month,
                    "manufacturer_id": o.manufacturer_id,
                    "product": o.product,
                    "offered": o.offered,
                    "sold": o.sold,
                    "revenue_cents": o.revenue_cents,
                    "unsold": o.unsold,
                    "unmet_demand": o.unmet_demand,
                }
                for o in outcomes
            ],
        )
    return outcomes


def _release_and_settle(connection: Connection, month: int, now: datetime) -> list[ProductOutcome]:
    line_ids = select(stock_lines.c.stock_line_id).where(stock_lines.c.month == month)
    # Units come back only for the reservations this update actually ended.
    live = connection.execute(
        update(reservations)
        .where(
            reservations.c.state == ReservationState.ACTIVE.value, reservations.c.stock_line_id.in_(line_ids)
        )
        .values(state=ReservationState.RELEASED.value)
        .returning(reservations.c.reservation_id, reservations.c.stock_line_id, reservations.c.quantity)
    ).all()
    connection.execute(
        update(reservations)
        .where(
            reservations.c.state == ReservationState.EXPIRED.value, reservations.c.stock_line_id.in_(line_ids)
        )
        .values(state=ReservationState.RELEASED.value)
    )
    statements.unreserve_per_line(connection, [(r.stock_line_id, r.quantity) for r in live])
    moves = [
        MovementRow(
            r.stock_line_id,
            Movement.RELEASED,
            r.quantity,
            "central",
            "month closed",
            r.reservation_id,
        )
        for r in live
    ]
    unmet = dict(
        connection.execute(
            select(unmet_demand.c.stock_line_id, func.sum(unmet_demand.c.quantity))
            .where(unmet_demand.c.month == month)
            .group_by(unmet_demand.c.stock_line_id)
        ).all()
    )
    outcomes: list[ProductOutcome] = []
    for line in load_month_lines(connection, month):
        unsold = line.offered - line.sold
        if unsold:
            moves.append(
                MovementRow(
                    line.stock_line_id,
                    Movement.RETURNED,
                    unsold,
                    "central",
                    "unsold goods stay with the manufacturer",
                )
            )
        outcomes.append(
            ProductOutcome(
                line.manufacturer_id,
                line.manufacturer_name,
                line.product,
                line.offered,
                line.sold,
                line.sold * line.unit_price_cents,
                unsold,
                int(unmet.get(line.stock_line_id, 0)),
            )
        )
    movements.append(connection, moves, now)
    return outcomes
