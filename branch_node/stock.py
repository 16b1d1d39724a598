"""Stock on the shelves: what each product holds, new products, and units leaving the shelf.

Every function reads what it needs, decides, and only then writes, so it never
has to undo a half-applied change. Inventory never goes below zero (the
``never_below_zero`` CHECK backs this up). Units leaving the shelf raise a
low-stock alert when they take a product from above its reorder point to at
or below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from branch_node.low_stock import raise_alert
from branch_node.model import Shelf
from branch_node.storage.schema import inventory, products, stock_movements


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
        raise_alert(connection, product, 0, reorder_point, now)
        added += 1
    return added


def write_off(
    connection: Connection, product: str, quantity: int, reason: str, day: str, now: datetime
) -> int:
    """Writes off up to ``quantity`` units as a loss; returns the loss in cents (0 if none on hand)."""
    held = shelves(connection).get(product)
    if held is None or held.quantity == 0:
        return 0
    quantity = min(quantity, held.quantity)
    loss = quantity * held.unit_cost_cents
    take(
        connection,
        held,
        quantity=quantity,
        kind="adjustment",
        reason=reason,
        reference="",
        day=day,
        value_cents=loss,
        now=now,
    )
    return loss


def take(
    connection: Connection,
    held: Shelf,
    *,
    quantity: int,
    kind: str,
    reason: str,
    reference: str,
    day: str,
    value_cents: int,
    now: datetime,
) -> int:
    """Takes ``quantity`` units off ``held`` with their stock movement; returns the alerts raised (0 or 1).

    The caller has checked that the shelf holds them: ``held`` is what it read
    in this transaction.
    """
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
        return raise_alert(connection, held.product, after, held.reorder_point, now)
    return 0
