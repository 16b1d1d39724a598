"""Low-stock alerts: raised while a product is at or below its reorder point, closed on receipt.

Low stock is a state, not only a crossing: a sale that crosses the reorder
point raises an alert at once, and ``raise_due_alerts`` raises one for every
product at or below its point with nothing on order (after a partly filled
reorder, say). An alert is ``open`` (nothing in the cart for it), ``checkout``
(from its first reservation on: units may be in the cart, its checkout may
have happened) or ``received`` (what it bought is booked). A product has at
most one unfulfilled alert: one reorder at a time per product.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from branch_node.model import Alert, AlertState
from branch_node.storage.schema import alerts, inventory, stock_movements

# Unfulfilled: a product has at most one alert in these states.
OPEN_STATES = (AlertState.OPEN, AlertState.BUYING)


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
            state=AlertState.OPEN,
            attempt=1,
            order_id="",
            received=0,
        )
    )
    return 1


def raise_due_alerts(connection: Connection, now: datetime) -> int:
    """Raises an alert for every product at or below its reorder point with nothing on order."""
    on_order = select(alerts.c.product).where(alerts.c.state.in_(OPEN_STATES))
    low = connection.execute(
        select(inventory.c.product, inventory.c.quantity, inventory.c.reorder_point)
        .where(inventory.c.quantity <= inventory.c.reorder_point, inventory.c.product.not_in(on_order))
        .order_by(inventory.c.product)
    ).all()
    return sum(raise_alert(connection, r.product, int(r.quantity), int(r.reorder_point), now) for r in low)


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
            AlertState(row.state),
            int(row.attempt),
        )
        for row in rows
    ]


def set_alert_state(connection: Connection, alert_id: int, state: AlertState, attempt: int) -> None:
    """Moves an unfulfilled alert between ``open`` and ``checkout`` (or to its next attempt)."""
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
    return book_purchase(connection, alert_id, {product: quantity}, order_id, day, now)


def book_purchase(
    connection: Connection,
    alert_id: int,
    bought: Mapping[str, int],
    order_id: str,
    day: str,
    now: datetime,
) -> bool:
    """Closes the alert and books every unit of its order as a stock-in; False if done before.

    Every product the order holds is booked, also one the alert did not ask for: units bought
    are on their way to the shelf whoever put them in the cart.
    """
    unfulfilled = alerts.c.alert_id == alert_id, alerts.c.state.in_(OPEN_STATES)
    asked = connection.execute(select(alerts.c.product).where(*unfulfilled)).scalar()
    if asked is None:
        return False
    connection.execute(
        update(alerts)
        .where(*unfulfilled)
        .values(state=AlertState.RECEIVED, order_id=order_id, received=bought.get(asked, 0), closed_at=now)
    )
    for product, quantity in sorted(bought.items()):
        if quantity <= 0:
            continue
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
