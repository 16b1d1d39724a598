"""Placing an order: the checkout's write, run by the writer inside a batch's transaction.

Every reservation is claimed with a conditional update before its units
move, so a reservation is sold at most once however many checkouts, sweeps
or closes reach it at the same moment; the stock counters follow only the
reservations actually claimed. Lines are taken in stock line order, so
writers that lock several lines never wait on each other in a circle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.engine import Connection

from central.domain import failures
from central.domain.cards import NO_CARD, StoredCard
from central.domain.months import MonthState
from central.domain.notices import DepletionNotice, encode
from central.domain.orders import DropReason
from central.domain.reservations import ReservationState
from central.domain.stock import Counters, Movement
from central.service.events import Depleted
from central.service.views import CheckoutResult, DroppedLineView, OrderLineView, OrderView
from central.storage import checkout_statements, movements, statements
from central.storage.movements import MovementRow
from central.storage.notice_rows import queue_notification
from central.storage.orders import NewOrder, insert_order, load_orders
from central.storage.statements import ACTIVE
from nodekit.errors import DomainError, precondition
from nodekit.ids import new_id

ORDERED, DROPPED = ReservationState.ORDERED.value, ReservationState.DROPPED.value


@dataclass(slots=True)
class LineChange:
    """A line's counters after the order, and what the order changed on it."""

    counters: Counters
    reserved: int = 0
    sold: int = 0


@dataclass
class Placed:
    """The order, and what the book and the manufacturers must hear after the commit."""

    result: CheckoutResult
    lines: dict[int, LineChange] = field(default_factory=dict)
    depletions: list[Depleted] = field(default_factory=list)


@dataclass(slots=True)
class _CartRow:
    position: int
    reservation_id: str
    stock_line_id: int
    quantity: int
    state: str
    expires_at: datetime
    month: int
    product: str
    unit_price_cents: int
    manufacturer_id: int
    manufacturer_name: str


@dataclass
class _Order:
    """What the order has done so far inside the transaction."""

    order_id: str
    month: int
    customer_id: str
    now: datetime
    moves: list[MovementRow] = field(default_factory=list)
    bought: list[tuple[int, OrderLineView]] = field(default_factory=list)
    dropped: list[tuple[int, DroppedLineView]] = field(default_factory=list)
    closed: list[dict[str, object]] = field(default_factory=list)
    lines: dict[int, LineChange] = field(default_factory=dict)
    sold_out: list[Depleted] = field(default_factory=list)

    @property
    def actor(self) -> str:
        return f"customer:{self.customer_id}"

    def follow(self, counters: Counters, reserved: int = 0, sold: int = 0) -> None:
        """Notes a line's counters after a statement of this order, and the change it made."""
        change = self.lines.get(counters.stock_line_id)
        if change is None:
            self.lines[counters.stock_line_id] = LineChange(counters, reserved, sold)
            return
        change.counters = counters
        change.reserved += reserved
        change.sold += sold


def cart_lines(connection: Connection, customer_id: str) -> list[int]:
    """The stock lines of the customer's cart (read ahead of the write, to lock them in order)."""
    return sorted(
        {int(row[1]) for row in checkout_statements.CART.rows(connection, {"customer": customer_id})}
    )


def fingerprint(rows: list[tuple[str, int]]) -> str:
    """A digest of the cart (reservation ids and quantities), to tell a replay from another cart."""
    text = ";".join(f"{rid}:{qty}" for rid, qty in sorted(rows))
    return hashlib.sha256(text.encode()).hexdigest()


def place(connection: Connection, customer_id: str, key: str, now: datetime) -> Placed:
    """Turns the customer's cart into one order; the same key again returns the order placed with it."""
    cart = [
        _CartRow(i, *row)
        for i, row in enumerate(checkout_statements.CART.rows(connection, {"customer": customer_id}))
    ]
    digest = fingerprint([(r.reservation_id, r.quantity) for r in cart])
    earlier = checkout_statements.ORDER_BY_KEY.first(connection, {"customer": customer_id, "key": key})
    if earlier is not None:
        earlier_order_id, earlier_digest = earlier
        if cart and digest != earlier_digest:
            raise precondition(
                "IDEMPOTENCY_KEY_REUSED",
                f"The idempotency key {key!r} was already used for a different cart.",
                idempotency_key=key,
            )
        (replayed,) = load_orders(connection, customer_id, 1, earlier_order_id)
        return Placed(CheckoutResult(replayed, replayed=True))
    month_row = checkout_statements.LATEST_MONTH.first(connection, {})
    month, state = month_row if month_row else (0, MonthState.CLOSED.value)
    if state != MonthState.OPEN.value:
        raise failures.month_not_open(month, state)
    found = checkout_statements.CARD.first(connection, {"customer": customer_id})
    card = NO_CARD if found is None else StoredCard(*found)
    card.check_usable(date(now.year, now.month, now.day))
    if not cart:
        raise _empty_cart()

    order = _Order(new_id(), month, customer_id, now)
    for row in sorted(cart, key=lambda r: (r.stock_line_id, r.position)):
        _take(connection, order, row)
    if not order.bought and not order.dropped:
        # Every reservation was taken by another checkout (or removed) since the cart was read:
        # nothing was written, and there is nothing to order.
        raise _empty_cart()
    checkout_statements.CLOSE_RESERVATION.execute_many(connection, order.closed)
    # Lines were taken in stock line order; the order lists them in cart order.
    bought = [line for _, line in sorted(order.bought, key=lambda pair: pair[0])]
    dropped = [drop for _, drop in sorted(order.dropped, key=lambda pair: pair[0])]
    total = sum(line.quantity * line.unit_price_cents for line in bought)
    insert_order(
        connection,
        NewOrder(order.order_id, order.customer_id, month, key, digest, total, card.last4, now),
        bought,
        dropped,
    )
    movements.append(connection, order.moves, now)
    depletions = _mark_depleted(connection, order.sold_out, now)
    view = OrderView(order.order_id, month, key, total, card.last4, now, bought, dropped)
    return Placed(CheckoutResult(view, replayed=False), order.lines, depletions)


def _empty_cart() -> DomainError:
    return precondition("EMPTY_CART", "Your cart is empty; add something before checking out.")


def _take(connection: Connection, order: _Order, row: _CartRow) -> None:
    """Sells one cart line, or drops it with its reason; a line gone from the cart meanwhile is skipped."""
    rid, ids = row.reservation_id, {"reservation": row.reservation_id, "order": order.order_id}
    this_month = row.month == order.month
    if this_month and checkout_statements.ORDER_LIVE_RESERVATION.first(connection, {**ids, "now": order.now}):
        after = checkout_statements.SELL_RESERVED.first(
            connection, {"line": row.stock_line_id, "quantity": row.quantity}
        )
        if after is None:
            # A live reservation's units are in ``reserved``; otherwise the database's books are broken.
            raise RuntimeError(
                f"stock line {row.stock_line_id} holds fewer reserved units than reservation {rid}"
            )
        _bought(order, row, statements.changed(connection, after), reserved=-row.quantity)
        return
    claimed = checkout_statements.CLAIM_RESERVATION.first(connection, ids)
    if claimed is None:
        return  # removed, ordered or released since the cart was read: no longer this order's
    if claimed[0] == ACTIVE:
        # Ran out but not yet swept: give its units back here, then try to take them again.
        ((_, after_release),) = statements.unreserve_per_line(
            connection, [(row.stock_line_id, row.quantity)]
        ).values()
        order.follow(after_release, reserved=-row.quantity)
        order.moves.append(
            MovementRow(
                row.stock_line_id, Movement.EXPIRED, row.quantity, "central", "reservation expired", rid
            )
        )
    taken = (
        checkout_statements.SELL_FREE.first(connection, {"line": row.stock_line_id, "quantity": row.quantity})
        if this_month
        else None
    )
    if taken is not None:
        retook = "checkout retook expired reservation"
        order.moves.append(
            MovementRow(
                row.stock_line_id, Movement.RESERVED, row.quantity, order.actor, retook, order.order_id
            )
        )
        _bought(order, row, statements.changed(connection, taken))
        order.closed.append({**ids, "state": ORDERED})
        return
    available = (
        int(checkout_statements.AVAILABLE.rows(connection, {"line": row.stock_line_id})[0][0])
        if this_month
        else 0
    )
    reason = DropReason.OUT_OF_STOCK if this_month else DropReason.MONTH_CLOSED
    order.closed.append({**ids, "state": DROPPED})
    order.dropped.append(
        (
            row.position,
            DroppedLineView(row.stock_line_id, row.product, row.quantity, max(available, 0), reason),
        )
    )
    unmet = {
        "month": row.month,
        "stock_line_id": row.stock_line_id,
        "customer_id": order.customer_id,
        "quantity": row.quantity,
        "at": order.now,
    }
    statements.INSERT_UNMET.execute(connection, unmet)


def _bought(order: _Order, row: _CartRow, after: Counters, reserved: int = 0) -> None:
    order.follow(after, reserved=reserved, sold=row.quantity)
    order.moves.append(
        MovementRow(row.stock_line_id, Movement.SOLD, row.quantity, order.actor, "checkout", order.order_id)
    )
    line = OrderLineView(
        row.stock_line_id, row.product, row.manufacturer_name, row.quantity, row.unit_price_cents
    )
    order.bought.append((row.position, line))
    if after.sold == after.offered:
        order.sold_out.append(
            Depleted(order.month, row.stock_line_id, row.manufacturer_id, row.product, after.sold)
        )


def _mark_depleted(connection: Connection, sold_out: list[Depleted], now: datetime) -> list[Depleted]:
    """Flags lines that just sold out, once per line, and queues their notifications."""
    depleted: list[Depleted] = []
    for event in sold_out:
        if (
            checkout_statements.MARK_DEPLETED.execute(connection, {"line": event.stock_line_id, "now": now})
            != 1
        ):
            continue
        kind, payload = encode(
            DepletionNotice(event.month, event.stock_line_id, event.product, event.quantity_sold)
        )
        queue_notification(connection, event.manufacturer_id, kind.value, payload, now)
        depleted.append(event)
    return depleted
