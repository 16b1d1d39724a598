"""The checkout's statements (its cart, the order, the units it sells), built and compiled once."""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select, update

from central.domain.reservations import ReservationState
from central.storage.schema import (
    customers,
    manufacturers,
    months,
    order_lines,
    orders,
    reservations,
    stock_lines,
)
from central.storage.statements import (
    ACTIVE,
    EXPIRED,
    counter_columns,
    free_units,
    next_version,
    this_line,
)
from nodekit.db.prepared import Prepared, prepared_insert

CART = Prepared(
    select(
        reservations.c.reservation_id,
        reservations.c.stock_line_id,
        reservations.c.quantity,
        reservations.c.state,
        reservations.c.expires_at,
        stock_lines.c.month,
        stock_lines.c.product,
        stock_lines.c.unit_price_cents,
        stock_lines.c.manufacturer_id,
        manufacturers.c.name,
    )
    .join(stock_lines, stock_lines.c.stock_line_id == reservations.c.stock_line_id)
    .join(manufacturers, manufacturers.c.manufacturer_id == stock_lines.c.manufacturer_id)
    .where(
        reservations.c.customer_id == bindparam("customer"),
        or_(reservations.c.state == ACTIVE, reservations.c.state == EXPIRED),
    )
    .order_by(reservations.c.created_at, reservations.c.reservation_id)
)
ORDER_BY_KEY = Prepared(
    select(orders.c.order_id, orders.c.cart_fingerprint).where(
        orders.c.customer_id == bindparam("customer"), orders.c.idempotency_key == bindparam("key")
    )
)
# The card is read inside the order's transaction: a card replaced through another central counts at once.
CARD = Prepared(
    select(
        customers.c.card_last4,
        customers.c.card_fingerprint,
        customers.c.card_expiry_year,
        customers.c.card_expiry_month,
    ).where(customers.c.customer_id == bindparam("customer"))
)
LATEST_MONTH = Prepared(select(months.c.month, months.c.state).order_by(months.c.month.desc()).limit(1))
# A live reservation becomes the order's, only if it is still active and unexpired.
ORDER_LIVE_RESERVATION = Prepared(
    update(reservations)
    .where(
        reservations.c.reservation_id == bindparam("reservation"),
        reservations.c.state == ACTIVE,
        reservations.c.expires_at > bindparam("now"),
    )
    .values(state=ReservationState.ORDERED.value, order_id=bindparam("order"))
    .returning(reservations.c.reservation_id)
)
# Any other reservation still in the cart is claimed for the order (its row locked) before its units
# are taken again; its state says what is left to do.
CLAIM_RESERVATION = Prepared(
    update(reservations)
    .where(
        reservations.c.reservation_id == bindparam("reservation"),
        or_(reservations.c.state == ACTIVE, reservations.c.state == EXPIRED),
    )
    .values(order_id=bindparam("order"))
    .returning(reservations.c.state)
)
CLOSE_RESERVATION = Prepared(
    update(reservations)
    .where(
        reservations.c.reservation_id == bindparam("reservation"),
        reservations.c.order_id == bindparam("order"),
    )
    .values(state=bindparam("state"))
)
SELL_RESERVED = Prepared(
    update(stock_lines)
    .where(this_line, stock_lines.c.reserved >= bindparam("quantity"))
    .values(
        reserved=stock_lines.c.reserved - bindparam("quantity"),
        sold=stock_lines.c.sold + bindparam("quantity"),
        version=next_version,
    )
    .returning(*counter_columns)
)
SELL_FREE = Prepared(
    update(stock_lines)
    .where(this_line, free_units >= bindparam("quantity"))
    .values(sold=stock_lines.c.sold + bindparam("quantity"), version=next_version)
    .returning(*counter_columns)
)
AVAILABLE = Prepared(select(free_units).where(this_line))

INSERT_ORDER = prepared_insert(
    orders,
    "order_id",
    "customer_id",
    "month",
    "idempotency_key",
    "cart_fingerprint",
    "total_cents",
    "card_last4",
    "created_at",
)
INSERT_ORDER_LINE = prepared_insert(
    order_lines,
    "order_id",
    "position",
    "stock_line_id",
    "quantity",
    "unit_price_cents",
    "bought",
    "drop_reason",
    "available_at_checkout",
)
# Flags a line the moment it sells out, once.
MARK_DEPLETED = Prepared(
    update(stock_lines)
    .where(this_line, stock_lines.c.depleted_at.is_(None), stock_lines.c.sold == stock_lines.c.offered)
    .values(depleted_at=bindparam("now"))
)
