"""Reads a customer's cart: the reservations still in it, with their lines' products and prices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncEngine

from central.storage.schema import manufacturers, reservations, stock_lines
from central.storage.statements import ACTIVE, EXPIRED

# An expired reservation stays in the cart (shown as expired) until the customer removes it.
IN_CART = (ACTIVE, EXPIRED)

_CART = (
    select(
        reservations.c.reservation_id,
        reservations.c.stock_line_id,
        stock_lines.c.product,
        manufacturers.c.name,
        reservations.c.quantity,
        stock_lines.c.unit_price_cents,
        reservations.c.state,
        reservations.c.expires_at,
    )
    .join(stock_lines, stock_lines.c.stock_line_id == reservations.c.stock_line_id)
    .join(manufacturers, manufacturers.c.manufacturer_id == stock_lines.c.manufacturer_id)
    .where(reservations.c.state.in_(IN_CART))
    .order_by(reservations.c.created_at, reservations.c.reservation_id)
)


async def cart_rows(engine: AsyncEngine, customer_id: str) -> Sequence[Row[*tuple[Any, ...]]]:
    """The customer's reservations in the cart, oldest first."""
    async with engine.connect() as connection:
        return (await connection.execute(_CART.where(reservations.c.customer_id == customer_id))).all()
