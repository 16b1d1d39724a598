"""The hot path's statements (reserve, checkout, unmet demand), built and compiled once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import and_, bindparam, exists, or_, select, update
from sqlalchemy.engine import Connection

from central.domain.months import MonthState
from central.domain.reservations import ReservationState
from central.storage.schema import (
    manufacturers,
    months,
    order_lines,
    orders,
    reservations,
    stock_lines,
    unmet_demand,
)
from nodekit.db.prepared import Prepared, prepared_insert

# The stored values, for statements and for comparing rows read back.
ACTIVE = ReservationState.ACTIVE.value
EXPIRED = ReservationState.EXPIRED.value

_free = stock_lines.c.offered - stock_lines.c.reserved - stock_lines.c.sold
_this_line = stock_lines.c.stock_line_id == bindparam("line")


# -- reserve ---------------------------------------------------------------------
# The database arbitrates every reservation: the units must be free and the month open.
RESERVE = Prepared(
    update(stock_lines)
    .where(
        _this_line,
        _free >= bindparam("quantity"),
        exists().where(and_(months.c.month == stock_lines.c.month, months.c.state == MonthState.OPEN.value)),
    )
    .values(reserved=stock_lines.c.reserved + bindparam("quantity"))
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
INSERT_UNMET = prepared_insert(unmet_demand, "month", "stock_line_id", "customer_id", "quantity", "at")

# -- checkout --------------------------------------------------------------------
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
LATEST_MONTH = Prepared(select(months.c.month, months.c.state).order_by(months.c.month.desc()).limit(1))
# Each returns the line's counters afterwards, so a sell-out is seen without another query.
SELL_RESERVED = Prepared(
    update(stock_lines)
    .where(_this_line, stock_lines.c.reserved >= bindparam("quantity"))
    .values(
        reserved=stock_lines.c.reserved - bindparam("quantity"),
        sold=stock_lines.c.sold + bindparam("quantity"),
    )
    .returning(stock_lines.c.sold, stock_lines.c.offered)
)
SELL_FREE = Prepared(
    update(stock_lines)
    .where(_this_line, _free >= bindparam("quantity"))
    .values(sold=stock_lines.c.sold + bindparam("quantity"))
    .returning(stock_lines.c.sold, stock_lines.c.offered)
)
UNRESERVE = Prepared(
    update(stock_lines).where(_this_line).values(reserved=stock_lines.c.reserved - bindparam("quantity"))
)

AVAILABLE = Prepared(select(_free).where(_this_line))
CLOSE_RESERVATION = Prepared(
    update(reservations)
    .where(reservations.c.reservation_id == bindparam("reservation"))
    .values(state=bindparam("state"), order_id=bindparam("order"))
)
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
    .where(_this_line, stock_lines.c.depleted_at.is_(None), stock_lines.c.sold == stock_lines.c.offered)
    .values(depleted_at=bindparam("now"))
)


def unreserve_per_line(connection: Connection, held: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Gives held units back to their lines, one update per line; returns the units given back per line.

    ``held`` is (stock line id, quantity) pairs, such as the reservations being ended.
    """
    per_line: dict[int, int] = defaultdict(int)
    for line_id, quantity in held:
        per_line[line_id] += quantity
    UNRESERVE.execute_many(connection, [{"line": line, "quantity": n} for line, n in per_line.items()])
    return dict(per_line)
