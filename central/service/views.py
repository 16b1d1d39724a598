"""Read models the use cases return; servicers turn them into protobuf messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from central.domain.orders import DroppedLineView, OrderLineView, OrderView

__all__ = ["CartLineView", "CheckoutResult", "DroppedLineView", "OrderLineView", "OrderView"]


@dataclass(frozen=True, slots=True)
class CartLineView:
    """A reservation in a cart."""

    reservation_id: str
    stock_line_id: int
    product: str
    manufacturer_name: str
    quantity: int
    unit_price_cents: int
    expired: bool
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class CheckoutResult:
    """An order and whether it was a replay of an earlier checkout."""

    order: OrderView
    replayed: bool
