"""Checkout: the cart's live reservations become one order in one transaction; history."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from central.domain import failures, rules
from central.domain.cards import StoredCard
from central.domain.stock import Movement
from central.service.accounts import Accounts
from central.service.core import Core
from central.service.events import Depleted
from central.service.views import CheckoutResult, DroppedLineView, OrderLineView, OrderView
from central.storage import movements
from central.storage.movements import MovementRow
from central.storage.orders import load_orders
from central.storage.schema import (
    manufacturers,
    months,
    notifications,
    order_lines,
    orders,
    reservations,
    stock_lines,
    unmet_demand,
)
from nodekit.errors import precondition

OUT_OF_STOCK, MONTH_CLOSED = "out_of_stock", "month_closed"
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
    cart = connection.execute(
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
            reservations.c.customer_id == customer_id,
            reservations.c.state.in_(("active", "expired")),
        )
        .order_by(reservations.c.created_at, reservations.c.reservation_id)
    ).all()
    fingerprint = _fingerprint([(r.reservation_id, r.quantity) for r in cart])
    earlier = connection.execute(
        select(orders.c.order_id, orders.c.cart_fingerprint).where(
            orders.c.customer_id == customer_id, orders.c.idempotency_key == key
        )
    ).first()
    if earlier is not None:
        if cart and fingerprint != earlier.cart_fingerprint:
            raise precondition(
                "IDEMPOTENCY_KEY_REUSED",
                f"The idempotency key {key!r} was already used for a different cart.",
                idempotency_key=key,
            )
        (order,) = load_orders(connection, customer_id, 1, earlier.order_id)
        return _Outcome(CheckoutResult(order, replayed=True))
    month_row = connection.execute(
        select(months.c.month, months.c.state).order_by(months.c.month.desc()).limit(1)
    ).first()
    month = month_row.month if month_row else 0
    if month_row is None or month_row.state != "open":
        raise failures.month_not_open(month, month_row.state if month_row else "closed")
    card.check_usable(date(now.year, now.month, now.day))
    if not cart:
        raise precondition("EMPTY_CART", "Your cart is empty; add something before checking out.")

    order_id = uuid.uuid4().hex
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    actor = f"customer:{customer_id}"
    moves: list[MovementRow] = []
    bought: list[OrderLineView] = []
    dropped: list[DroppedLineView] = []
    for r in cart:
        line_id, quantity = r.stock_line_id, r.quantity
        sold = False
        if r.month != month:
            reason, available = MONTH_CLOSED, 0
        elif r.state == "active" and r.expires_at > now:
            connection.execute(
                update(stock_lines)
                .where(stock_lines.c.stock_line_id == line_id, stock_lines.c.reserved >= quantity)
                .values(reserved=stock_lines.c.reserved - quantity, sold=stock_lines.c.sold + quantity)
            )
            moves.append(MovementRow(line_id, Movement.SOLD, quantity, actor, "checkout", order_id))
            deltas[line_id][0] -= quantity
            sold = True
        else:
            if r.state == "active":
                # Ran out but not yet swept: release it here, then try to take the units again.
                connection.execute(
                    update(stock_lines)
                    .where(stock_lines.c.stock_line_id == line_id)
                    .values(reserved=stock_lines.c.reserved - quantity)
                )
                moves.append(
                    MovementRow(
                        line_id,
                        Movement.EXPIRED,
                        quantity,
                        "central",
                        "reservation expired",
                        r.reservation_id,
                    )
                )
                deltas[line_id][0] -= quantity
            retaken = connection.execute(
                update(stock_lines)
                .where(
                    stock_lines.c.stock_line_id == line_id,
                    stock_lines.c.offered - stock_lines.c.reserved - stock_lines.c.sold >= quantity,
                )
                .values(sold=stock_lines.c.sold + quantity)
            )
            if retaken.rowcount == 1:
                moves.append(
                    MovementRow(
                        line_id,
                        Movement.RESERVED,
                        quantity,
                        actor,
                        "checkout retook expired reservation",
                        order_id,
                    )
                )
                moves.append(MovementRow(line_id, Movement.SOLD, quantity, actor, "checkout", order_id))
                sold = True
            else:
                reason = OUT_OF_STOCK
                available = connection.execute(
                    select(stock_lines.c.offered - stock_lines.c.reserved - stock_lines.c.sold).where(
                        stock_lines.c.stock_line_id == line_id
                    )
                ).scalar_one()
        if sold:
            deltas[line_id][1] += quantity
            bought.append(OrderLineView(line_id, r.product, r.name, quantity, r.unit_price_cents))
        else:
            dropped.append(DroppedLineView(line_id, r.product, quantity, max(available, 0), reason))
            connection.execute(
                insert(unmet_demand).values(
                    month=r.month,
                    stock_line_id=line_id,
                    customer_id=customer_id,
                    quantity=quantity,
                    at=now,
                )
            )
        connection.execute(
            update(reservations)
            .where(reservations.c.reservation_id == r.reservation_id)
            .values(state="ordered" if sold else "dropped", order_id=order_id)
        )

    total = sum(line.quantity * line.unit_price_cents for line in bought)
    connection.execute(
        insert(orders).values(
            order_id=order_id,
            customer_id=customer_id,
            month=month,
            idempotency_key=key,
            cart_fingerprint=fingerprint,
            total_cents=total,
            card_last4=card.last4,
            created_at=now,
        )
    )
    connection.execute(
        insert(order_lines),
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
    depletions = _mark_depleted(connection, {b.stock_line_id for b in bought}, month, now)
    order = OrderView(order_id, month, key, total, card.last4, now, bought, dropped)
    return _Outcome(CheckoutResult(order, replayed=False), deltas, depletions)


def _mark_depleted(connection: Connection, line_ids: set[int], month: int, now: datetime) -> list[Depleted]:
    """Flags lines that just sold out, once per line, and queues their notifications."""
    depleted: list[Depleted] = []
    for line_id in sorted(line_ids):
        flagged = connection.execute(
            update(stock_lines)
            .where(
                stock_lines.c.stock_line_id == line_id,
                stock_lines.c.depleted_at.is_(None),
                stock_lines.c.sold == stock_lines.c.offered,
            )
            .values(depleted_at=now)
        )
        if flagged.rowcount != 1:
            continue
        row = connection.execute(
            select(stock_lines.c.manufacturer_id, stock_lines.c.product, stock_lines.c.sold).where(
                stock_lines.c.stock_line_id == line_id
            )
        ).one()
        event = Depleted(month, line_id, row.manufacturer_id, row.product, row.sold)
        connection.execute(
            insert(notifications).values(
                manufacturer_id=row.manufacturer_id,
                kind="depletion",
                payload=json.dumps(
                    {
                        "month": month,
                        "stock_line_id": line_id,
                        "product": row.product,
                        "quantity_sold": row.sold,
                    }
                ),
                created_at=now,
            )
        )
        depleted.append(event)
    return depleted
