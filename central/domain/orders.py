"""A placed order as the central keeps it: its bought lines and the cart lines it left out."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OrderLineView:
    """A bought line."""

    stock_line_id: int
    product: str
    manufacturer_name: str
    quantity: int
    unit_price_cents: int


class DropReason(enum.Enum):
    """Why checkout left a cart line out."""

    OUT_OF_STOCK = "out_of_stock"
    MONTH_CLOSED = "month_closed"


@dataclass(frozen=True, slots=True)
class DroppedLineView:
    """A cart line left out at checkout."""

    stock_line_id: int
    product: str
    requested: int
    available: int
    reason: DropReason


@dataclass(frozen=True, slots=True)
class OrderView:
    """A placed order."""

    order_id: str
    month: int
    idempotency_key: str
    total_cents: int
    card_last4: str
    created_at: datetime
    lines: list[OrderLineView] = field(default_factory=list)
    dropped: list[DroppedLineView] = field(default_factory=list)
