"""Low-stock alerts: raised at a reorder-point crossing, worked by the reorders, closed on receipt.

An alert is ``open`` (nothing in the cart yet), ``checkout`` (cart filled, the
checkout may have happened) or ``received`` (stock-in booked). A product has
at most one unfulfilled alert, so each crossing asks for one reorder.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from branch_node.model import Alert
from branch_node.storage.schema import alerts, inventory, stock_movements

OPEN_STATES = ("open", "checkout")


def raise_alert(connection: Connection, product: str, quantity: int, point: int, now: datetime) -> int:
    """Raises an alert for ``product`` unless one is still unfulfilled; returns how many were raised."""
    unfulfilled = connection.execute(
        select(alerts.c.alert_id).where(alerts.c.product == product, alerts.c.state.in_(OPEN_STATES))
    ).first()
    if unfulfilled is not None:
        return 0
    connection.execute(
        insert(alerts).values(
            product=product,
            quantity=quantity,
            reorder_point=point,
            raised_at=now,
            state="open",
            attempt=1,
            order_id="",
            received=0,
        )
    )
    return 1


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


def receive(
    connection: Connection,
    alert_id: int,
    product: str,
    quantity: int,
    order_id: str,
    day: str,
    now: datetime,
) -> bool:
    """Books goods bought for an alert as a stock-in and closes the alert; False if done before."""
    result = connection.execute(
        update(alerts)
        .where(alerts.c.alert_id == alert_id, alerts.c.state.in_(OPEN_STATES))
        .values(state="received", order_id=order_id, received=quantity, closed_at=now)
    )
    if result.rowcount != 1:
        return False
    if quantity > 0:
        connection.execute(
            update(inventory)
            .where(inventory.c.product == product)
            .values(quantity=inventory.c.quantity + quantity)
        )
        connection.execute(
            insert(stock_movements).values(
                product=product,
                kind="stock_in",
                quantity=quantity,
                value_cents=0,
                reason="reorder from central",
                reference=order_id,
                business_day=day,
                at=now,
            )
        )
    return True
