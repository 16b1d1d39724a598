"""The till: sells a walk-in basket from the shelves, writing the sale and its outbox row.

A sale takes only what the shelf holds; the rest of the basket is recorded as
lost sales. The sale, its items, its outbox row (the next sequence for the
stream to the central) and the stock movements commit in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from branch_node.model import LostSale, Sale, SaleItem, SaleOutcome, Shelf
from branch_node.stock import shelves, take
from branch_node.storage.schema import lost_sales, outbox, transaction_items, transactions
from branch_node.tax import tax_cents
from nodekit.ids import new_id
from nodekit.observability.carried import remember, span_to_carry


@dataclass(frozen=True, slots=True)
class Till:
    """Who pays how, where and when, for one walk-in basket."""

    occurred_at: datetime
    business_day: str
    province: str
    payment_method: str
    customer_name: str


def sell(connection: Connection, basket: Sequence[tuple[str, int]], till: Till) -> SaleOutcome:
    """Sells what the shelf holds; writes the sale and its outbox row in this transaction."""
    shelf = shelves(connection)
    wanted: dict[str, int] = {}
    for product, quantity in basket:
        wanted[product] = wanted.get(product, 0) + quantity
    items: list[SaleItem] = []
    lost: list[LostSale] = []
    for product, quantity in wanted.items():
        held = shelf.get(product)
        available = held.quantity if held else 0
        if held is None or available < quantity:
            lost.append(LostSale(product, quantity, available))
        else:
            items.append(SaleItem(product, quantity, held.unit_price_cents))
    for miss in lost:
        connection.execute(
            insert(lost_sales).values(
                product=miss.product,
                requested=miss.requested,
                available=miss.available,
                business_day=till.business_day,
                at=till.occurred_at,
            )
        )
    if not items:
        return SaleOutcome(None, tuple(lost), 0)
    # While tracing is on each sale is a trace of its own, which the stream carries to the central.
    with span_to_carry("branch sale") as trace_parent:
        outcome = _ring_up(connection, shelf, items, lost, till)
        if outcome.sale is not None:
            remember(outcome.sale.transaction_id, trace_parent)
        return outcome


def _ring_up(
    connection: Connection,
    shelf: dict[str, Shelf],
    items: list[SaleItem],
    lost: list[LostSale],
    till: Till,
) -> SaleOutcome:
    """Writes the sale of ``items``, its outbox row and its stock movements."""
    last = connection.execute(select(func.coalesce(func.max(outbox.c.sequence), 0))).scalar_one()
    sequence = int(last) + 1
    subtotal = sum(item.quantity * item.unit_price_cents for item in items)
    tax = tax_cents(subtotal, till.province)
    sale = Sale(
        new_id(),
        sequence,
        till.occurred_at,
        till.business_day,
        tuple(items),
        subtotal,
        tax,
        subtotal + tax,
        till.payment_method,
        till.customer_name,
    )
    connection.execute(
        insert(transactions).values(
            transaction_id=sale.transaction_id,
            sequence=sequence,
            occurred_at=sale.occurred_at,
            business_day=sale.business_day,
            subtotal_cents=subtotal,
            tax_cents=tax,
            total_cents=sale.total_cents,
            payment_method=sale.payment_method,
            customer_name=sale.customer_name,
        )
    )
    connection.execute(
        insert(transaction_items),
        [
            dict(
                transaction_id=sale.transaction_id,
                position=i,
                product=item.product,
                quantity=item.quantity,
                unit_price_cents=item.unit_price_cents,
            )
            for i, item in enumerate(items)
        ],
    )
    connection.execute(insert(outbox).values(sequence=sequence, transaction_id=sale.transaction_id))
    raised = 0
    for item in items:
        raised += take(
            connection,
            shelf[item.product],
            quantity=item.quantity,
            kind="sale",
            reason="walk-in sale",
            reference=sale.transaction_id,
            day=till.business_day,
            value_cents=0,
            now=till.occurred_at,
        )
    return SaleOutcome(sale, tuple(lost), raised)
