"""The sales outbox: sales in sequence order for the stream, and how far the central acknowledged them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from branch_node.model import Sale, SaleItem
from branch_node.storage.schema import outbox, transaction_items, transactions


def pending_sales(connection: Connection, after: int, limit: int) -> list[Sale]:
    """Outbox sales with a sequence above ``after``, in order (acked or not: the central decides)."""
    rows = connection.execute(
        select(transactions)
        .join(outbox, outbox.c.transaction_id == transactions.c.transaction_id)
        .where(outbox.c.sequence > after)
        .order_by(outbox.c.sequence)
        .limit(limit)
    ).all()
    if not rows:
        return []
    ids = [row.transaction_id for row in rows]
    items: dict[str, list[SaleItem]] = {tid: [] for tid in ids}
    for item in connection.execute(
        select(transaction_items)
        .where(transaction_items.c.transaction_id.in_(ids))
        .order_by(transaction_items.c.transaction_id, transaction_items.c.position)
    ):
        items[item.transaction_id].append(
            SaleItem(item.product, int(item.quantity), int(item.unit_price_cents))
        )
    return [
        Sale(
            row.transaction_id,
            int(row.sequence),
            row.occurred_at,
            row.business_day,
            tuple(items[row.transaction_id]),
            int(row.subtotal_cents),
            int(row.tax_cents),
            int(row.total_cents),
            row.payment_method,
            row.customer_name,
        )
        for row in rows
    ]


def mark_acked(connection: Connection, through: int, now: datetime) -> None:
    """Marks every outbox row up to ``through`` as committed at the central."""
    connection.execute(
        update(outbox).where(outbox.c.sequence <= through, outbox.c.acked_at.is_(None)).values(acked_at=now)
    )


def last_sequence(connection: Connection) -> int:
    """The newest sale's sequence (0 if none)."""
    return int(connection.execute(select(func.coalesce(func.max(outbox.c.sequence), 0))).scalar_one())
