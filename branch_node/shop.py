"""The branch's stock operations, each one sync function run inside one write transaction.

Every function reads what it needs, decides, and only then writes, so it never
has to undo a half-applied change. Inventory never goes below zero: a sale
takes only what is on the shelf and records the rest as a lost sale (the
``never_below_zero`` CHECK backs this up). An alert is raised when a product
crosses from above its reorder point to at or below it, and only when no
alert for it is still unfulfilled: one reorder per crossing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from branch_node.model import LostSale, Sale, SaleItem, SaleOutcome, Shelf
from branch_node.storage.schema import (
    alerts,
    inventory,
    lost_sales,
    outbox,
    products,
    stock_movements,
    transaction_items,
    transactions,
)
from branch_node.tax import tax_cents
from nodekit.ids import new_id

OPEN_STATES = ("open", "checkout")


@dataclass(frozen=True, slots=True)
class Checkout:
    """Who pays how, where and when, for one walk-in basket."""

    occurred_at: datetime
    business_day: str
    province: str
    payment_method: str
    customer_name: str


def shelves(connection: Connection) -> dict[str, Shelf]:
    """Every product with its stock and prices."""
    rows = connection.execute(
        select(inventory, products.c.unit_cost_cents, products.c.unit_price_cents).join(
            products, products.c.product == inventory.c.product
        )
    )
    return {
        row.product: Shelf(
            row.product,
            int(row.quantity),
            int(row.unit_cost_cents),
            int(row.unit_price_cents),
            int(row.reorder_point),
            int(row.reorder_quantity),
        )
        for row in rows
    }


def stock_products(
    connection: Connection,
    offers: Sequence[tuple[str, int]],
    markup_percent: int,
    reorder_point: int,
    reorder_quantity: int,
    now: datetime,
) -> int:
    """Adds new products (cost from the central) with an empty shelf and a first alert to stock them.

    Known products keep their cost: goods on the shelf were bought at it.
    Returns the number of products added.
    """
    known = set(connection.execute(select(products.c.product)).scalars())
    added = 0
    for product, cost in offers:
        if product in known:
            continue
        price = (cost * (100 + markup_percent) + 99) // 100
        connection.execute(
            insert(products).values(
                product=product, unit_cost_cents=cost, unit_price_cents=price, added_at=now
            )
        )
        connection.execute(
            insert(inventory).values(
                product=product, quantity=0, reorder_point=reorder_point, reorder_quantity=reorder_quantity
            )
        )
        _raise_alert(connection, product, 0, reorder_point, now)
        added += 1
    return added


def sell(connection: Connection, basket: Sequence[tuple[str, int]], till: Checkout) -> SaleOutcome:
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
        raised += _take(
            connection,
            shelf[item.product],
            item.quantity,
            "sale",
            "walk-in sale",
            sale.transaction_id,
            till.business_day,
            0,
            till.occurred_at,
        )
    return SaleOutcome(sale, tuple(lost), raised)


def write_off(
    connection: Connection, product: str, quantity: int, reason: str, day: str, now: datetime
) -> int:
    """Writes off up to ``quantity`` units as a loss; returns the loss in cents (0 if none on hand)."""
    held = shelves(connection).get(product)
    if held is None or held.quantity == 0:
        return 0
    quantity = min(quantity, held.quantity)
    loss = quantity * held.unit_cost_cents
    _take(connection, held, quantity, "adjustment", reason, "", day, loss, now)
    return loss


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
    result = connection.execute(
        update(alerts)
        .where(alerts.c.alert_id == alert_id, alerts.c.state.in_(OPEN_STATES))
        .values(state="received", order_id=order_id, received=quantity, closed_at=now)
    )
    if result.rowcount != 1:
        return False
    if quantity > 0:
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


def _take(
    connection: Connection,
    held: Shelf,
    quantity: int,
    kind: str,
    reason: str,
    reference: str,
    day: str,
    value_cents: int,
    now: datetime,
) -> int:
    result = connection.execute(
        update(inventory)
        .where(inventory.c.product == held.product, inventory.c.quantity >= quantity)
        .values(quantity=inventory.c.quantity - quantity)
    )
    if result.rowcount != 1:  # pragma: no cover - checked above by the only writer
        raise RuntimeError(f"{held.product} would go below zero")
    connection.execute(
        insert(stock_movements).values(
            product=held.product,
            kind=kind,
            quantity=-quantity,
            value_cents=value_cents,
            reason=reason,
            reference=reference,
            business_day=day,
            at=now,
        )
    )
    before, after = held.quantity, held.quantity - quantity
    if before > held.reorder_point >= after:
        return _raise_alert(connection, held.product, after, held.reorder_point, now)
    return 0


def _raise_alert(connection: Connection, product: str, quantity: int, point: int, now: datetime) -> int:
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
            state="open",
            attempt=1,
            order_id="",
            received=0,
        )
    )
    return 1
