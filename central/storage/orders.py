"""Writes an order with its bought and dropped lines, and reads orders back (for replays and history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from central.domain.orders import DroppedLineView, DropReason, OrderLineView, OrderView
from central.storage import checkout_statements
from central.storage.schema import manufacturers, order_lines, orders, stock_lines


@dataclass(frozen=True, slots=True)
class NewOrder:
    """An order's own row: who, which month, under which key and for which cart."""

    order_id: str
    customer_id: str
    month: int
    idempotency_key: str
    cart_fingerprint: str
    total_cents: int
    card_last4: str
    created_at: datetime


def insert_order(
    connection: Connection, order: NewOrder, bought: list[OrderLineView], dropped: list[DroppedLineView]
) -> None:
    """Writes the order and its lines: the bought ones first, then the dropped ones, in cart order."""
    checkout_statements.INSERT_ORDER.execute(
        connection,
        {
            "order_id": order.order_id,
            "customer_id": order.customer_id,
            "month": order.month,
            "idempotency_key": order.idempotency_key,
            "cart_fingerprint": order.cart_fingerprint,
            "total_cents": order.total_cents,
            "card_last4": order.card_last4,
            "created_at": order.created_at,
        },
    )
    checkout_statements.INSERT_ORDER_LINE.execute_many(
        connection,
        [
            {
                "order_id": order.order_id,
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
                "order_id": order.order_id,
                "position": len(bought) + i,
                "stock_line_id": d.stock_line_id,
                "quantity": d.requested,
                "unit_price_cents": 0,
                "bought": False,
                "drop_reason": d.reason.value,
                "available_at_checkout": d.available,
            }
            for i, d in enumerate(dropped)
        ],
    )


def load_orders(connection: Connection, customer_id: str, limit: int, order_id: str = "") -> list[OrderView]:
    """The customer's orders, newest first (or just ``order_id`` when given)."""
    query = select(orders).where(orders.c.customer_id == customer_id)
    if order_id:
        query = query.where(orders.c.order_id == order_id)
    query = query.order_by(orders.c.created_at.desc(), orders.c.order_id.desc()).limit(limit)
    heads = connection.execute(query).all()
    if not heads:
        return []
    lines = connection.execute(
        select(
            order_lines.c.order_id,
            order_lines.c.stock_line_id,
            order_lines.c.quantity,
            order_lines.c.unit_price_cents,
            order_lines.c.bought,
            order_lines.c.drop_reason,
            order_lines.c.available_at_checkout,
            stock_lines.c.product,
            manufacturers.c.name,
        )
        .join(stock_lines, stock_lines.c.stock_line_id == order_lines.c.stock_line_id)
        .join(manufacturers, manufacturers.c.manufacturer_id == stock_lines.c.manufacturer_id)
        .where(order_lines.c.order_id.in_([h.order_id for h in heads]))
        .order_by(order_lines.c.order_id, order_lines.c.position)
    ).all()
    by_order: dict[str, tuple[list[OrderLineView], list[DroppedLineView]]] = {
        h.order_id: ([], []) for h in heads
    }
    for row in lines:
        bought, dropped = by_order[row.order_id]
        if row.bought:
            bought.append(
                OrderLineView(row.stock_line_id, row.product, row.name, row.quantity, row.unit_price_cents)
            )
        else:
            dropped.append(
                DroppedLineView(
                    row.stock_line_id,
                    row.product,
                    row.quantity,
                    row.available_at_checkout,
                    DropReason(row.drop_reason),
                )
            )
    return [
        OrderView(
            h.order_id,
            h.month,
            h.idempotency_key,
            h.total_cents,
            h.card_last4,
            h.created_at,
            *by_order[h.order_id],
        )
        for h in heads
    ]
