"""Reads orders back with their bought and dropped lines (for replays and history)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from central.domain.orders import DroppedLineView, OrderLineView, OrderView
from central.storage.schema import manufacturers, order_lines, orders, stock_lines


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
                    row.drop_reason,
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
