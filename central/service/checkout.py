"""Checkout: the cart's live reservations become one order in one transaction; history."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from central.domain import failures, rules
from central.domain.cards import StoredCard
from central.domain.months import MonthState
from central.domain.notices import DepletionNotice, encode
from central.domain.reservations import ReservationState
from central.domain.stock import Movement
from central.service.accounts import Accounts
from central.service.core import Core
from central.service.events import Depleted
from central.service.views import CheckoutResult, DroppedLineView, OrderLineView, OrderView
from central.storage import movements, statements
from central.storage.movements import MovementRow
from central.storage.orders import load_orders
from central.storage.schema import notifications
from central.storage.statements import ACTIVE
from nodekit.errors import precondition
from nodekit.ids import new_id

OUT_OF_STOCK, MONTH_CLOSED = "out_of_stock", "month_closed"
ORDERED, DROPPED = ReservationState.ORDERED.value, ReservationState.DROPPED.value
MAX_HISTORY = 500


@dataclass
class _Outcome:
    result: CheckoutResult
    # stock_line_id -> (reserved delta, sold delta), applied to the book after commit.
    deltas: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    depletions: list[Depleted] = field(default_factory=list)


class Checkout:
    """Places orders and reads order history."""

    def __init__(self, core: Core, accounts: Accounts, after_sales: Callable[[], None]) -> None:
        self._core = core
        self._accounts = accounts
        self._after_sales = after_sales

    async def checkout(self, customer_id: str, idempotency_key: str) -> CheckoutResult:
        """Turns the cart into an order; the same key again returns the same order."""
        key = rules.idempotency_key(idempotency_key)
        card = await self._accounts.card_of(customer_id)
        now = self._core.clock()
        outcome = await self._core.writer.run(
            lambda connection: _place(connection, customer_id, key, card, now)
        )
        if outcome.result.replayed:
            return outcome.result
        book = self._core.book
        for stock_line_id, (reserved, sold) in outcome.deltas.items():
            line = book.lines.get(stock_line_id)
            if line is not None:
                line.settle(claimed=0, reserved=reserved, sold=sold)
        self._core.hub.changed(outcome.deltas)
        for depletion in outcome.depletions:
            await self._core.events.publish(depletion)
        self._after_sales()
        return outcome.result

    async def history(self, customer_id: str, limit: int) -> list[OrderView]:
        """The customer's orders, newest first."""
        limit = 50 if limit == 0 else limit
        if not 1 <= limit <= MAX_HISTORY:
            raise failures.bad_quantity(limit, MAX_HISTORY)
        async with self._core.engine.connect() as connection:
            return await connection.run_sync(load_orders, customer_id, limit)


def _fingerprint(rows: list[tuple[str, int]]) -> str:
    text = ";".join(f"{rid}:{qty}" for rid, qty in sorted(rows))
    return hashlib.sha256(text.encode()).hexdigest()


def _place(connection: Connection, customer_id: str, key: str, card: StoredCard, now: datetime) -> _Outcome:
    cart = statements.CART.rows(connection, {"customer": customer_id})
    fingerprint = _fingerprint([(r[0], r[2]) for r in cart])
    earlier = statements.ORDER_BY_KEY.first(connection, {"customer": customer_id, "key": key})
    if earlier is not None:
        earlier_order_id, earlier_fingerprint = earlier
        if cart and fingerprint != earlier_fingerprint:
            raise precondition(
                "IDEMPOTENCY_KEY_REUSED",
                f"The idempotency key {key!r} was already used for a different cart.",
                idempotency_key=key,
            )
        (order,) = load_orders(connection, customer_id, 1, earlier_order_id)
        return _Outcome(CheckoutResult(order, replayed=True))
    month_row = statements.LATEST_MONTH.first(connection, {})
    month, state = month_row if month_row else (0, MonthState.CLOSED.value)
    if state != MonthState.OPEN.value:
        raise failures.month_not_open(month, state)
    card.check_usable(date(now.year, now.month, now.day))
    if not cart:
        raise precondition("EMPTY_CART", "Your cart is empty; add something before checking out.")

    order_id = new_id()
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    actor = f"customer:{customer_id}"
    moves: list[MovementRow] = []
    bought: list[OrderLineView] = []
    dropped: list[DroppedLineView] = []
    closed: list[dict[str, object]] = []
    sold_out: list[Depleted] = []
    for rid, line_id, quantity, r_state, expires_at, r_month, product, price, maker, maker_name in cart:
        counters = None
        if r_month != month:
            reason, available = MONTH_CLOSED, 0
        elif r_state == ACTIVE and expires_at > now:
            counters = statements.SELL_RESERVED.first(connection, {"line": line_id, "quantity": quantity})
            if counters is None:
                # A live reservation's units are in ``reserved``; otherwise the books are broken.
                raise RuntimeError(f"stock line {line_id} holds fewer reserved units than reservation {rid}")
            moves.append(MovementRow(line_id, Movement.SOLD, quantity, actor, "checkout", order_id))
            deltas[line_id][0] -= quantity
        else:
            if r_state == ACTIVE:
                # Ran out but not yet swept: release it here, then try to take the units again.
                statements.UNRESERVE.execute(connection, {"line": line_id, "quantity": quantity})
                moves.append(
                    MovementRow(line_id, Movement.EXPIRED, quantity, "central", "reservation expired", rid)
                )
                deltas[line_id][0] -= quantity
            counters = statements.SELL_FREE.first(connection, {"line": line_id, "quantity": quantity})
            if counters is not None:
                retook = "checkout retook expired reservation"
                moves.append(MovementRow(line_id, Movement.RESERVED, quantity, actor, retook, order_id))
                moves.append(MovementRow(line_id, Movement.SOLD, quantity, actor, "checkout", order_id))
            else:
                reason = OUT_OF_STOCK
                (available,) = statements.AVAILABLE.rows(connection, {"line": line_id})[0]
        if counters is not None:
            deltas[line_id][1] += quantity
            bought.append(OrderLineView(line_id, product, maker_name, quantity, price))
            sold, offered = counters
            if sold == offered:
                sold_out.append(Depleted(month, line_id, maker, product, sold))
        else:
            dropped.append(DroppedLineView(line_id, product, quantity, max(available, 0), reason))
            statements.INSERT_UNMET.execute(
                connection,
                {
                    "month": r_month,
                    "stock_line_id": line_id,
                    "customer_id": customer_id,
                    "quantity": quantity,
                    "at": now,
                },
            )
        closed.append(
            {
                "reservation": rid,
                "state": ORDERED if counters is not None else DROPPED,
                "order": order_id,
            }
        )

    statements.CLOSE_RESERVATION.execute_many(connection, closed)
    total = sum(line.quantity * line.unit_price_cents for line in bought)
    statements.INSERT_ORDER.execute(
        connection,
        {
            "order_id": order_id,
            "customer_id": customer_id,
            "month": month,
            "idempotency_key": key,
            "cart_fingerprint": fingerprint,
            "total_cents": total,
            "card_last4": card.last4,
            "created_at": now,
        },
    )
    statements.INSERT_ORDER_LINE.execute_many(
        connection,
        [
            {
                "order_id": order_id,
                "position": i,
                "stock_line_id": line.stock_line_id,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "bought": True,
                "drop_reason": "",
                "available_at_checkout": 0,
            }
            for i, line in enumerate(bought)
        ]
        + [
            {
                "order_id": order_id,
                "position": len(bought) + i,
                "stock_line_id": d.stock_line_id,
                "quantity": d.requested,
                "unit_price_cents": 0,
                "bought": False,
                "drop_reason": d.reason,
                "available_at_checkout": d.available,
            }
            for i, d in enumerate(dropped)
        ],
    )
    movements.append(connection, moves, now)
    depletions = _mark_depleted(connection, sold_out, now)
    order = OrderView(order_id, month, key, total, card.last4, now, bought, dropped)
    return _Outcome(CheckoutResult(order, replayed=False), deltas, depletions)


def _mark_depleted(connection: Connection, sold_out: list[Depleted], now: datetime) -> list[Depleted]:
    """Flags lines that just sold out, once per line, and queues their notifications."""
    depleted: list[Depleted] = []
    for event in sold_out:
        if statements.MARK_DEPLETED.execute(connection, {"line": event.stock_line_id, "now": now}) != 1:
            continue
        kind, payload = encode(
            DepletionNotice(event.month, event.stock_line_id, event.product, event.quantity_sold)
        )
        connection.execute(
            insert(notifications).values(
                manufacturer_id=event.manufacturer_id, kind=kind.value, payload=payload, created_at=now
            )
        )
        depleted.append(event)
    return depleted
