"""What a shopper sees: the catalog, its card, its cart and its orders (plain values)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from distribution_client.records.month import MonthState

__all__ = [
    "Card",
    "Cart",
    "CartLine",
    "CartLineState",
    "Catalog",
    "CatalogLine",
    "CatalogUpdate",
    "CheckoutResult",
    "DropReason",
    "DroppedLine",
    "Order",
    "OrderLine",
    "Registration",
]


@dataclass(frozen=True, slots=True)
class Card:
    """A payment card as typed (the central checks Luhn and expiry)."""

    number: str
    expiry_month: int
    expiry_year: int


@dataclass(frozen=True, slots=True)
class Registration:
    """A new customer: its id, the bearer token to call with, the card's last four digits."""

    customer_id: str
    token: str
    card_last4: str


@dataclass(frozen=True, slots=True)
class CatalogLine:
    """One stock line on sale: what a shopper needs to choose and reserve it."""

    stock_line_id: int
    month: int
    product: str
    manufacturer_name: str
    unit_price_cents: int
    available: int


@dataclass(frozen=True, slots=True)
class Catalog:
    """The lines on sale now (``ListStockLines``)."""

    month: int
    state: MonthState
    lines: tuple[CatalogLine, ...]
    paused: bool
    month_seconds: int


@dataclass(frozen=True, slots=True)
class CatalogUpdate:
    """One message of the catalog stream.

    Attributes:
        snapshot: True when ``lines`` is the whole catalog, False when it holds only changes.
        month: Month the lines belong to.
        state: State of that month.
        lines: All lines (snapshot) or the changed ones; ``available == 0`` means gone.
        paused: Whether the operator paused the month (simulated shoppers hold).
        month_seconds: The month's length as the central opened it (0: no deadline).
    """

    snapshot: bool
    month: int
    state: MonthState
    lines: tuple[CatalogLine, ...]
    paused: bool = False
    month_seconds: int = 0


class CartLineState(enum.Enum):
    """Whether a reservation still holds its units."""

    UNSPECIFIED = "unspecified"
    RESERVED = "reserved"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CartLine:
    """One reservation in a cart."""

    reservation_id: str
    stock_line_id: int
    product: str
    manufacturer_name: str
    quantity: int
    unit_price_cents: int
    state: CartLineState
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Cart:
    """A customer's cart (expired reservations too) and the total of the live ones."""

    lines: tuple[CartLine, ...]
    total_cents: int


class DropReason(enum.Enum):
    """Why a cart line did not make it into the order."""

    UNSPECIFIED = "unspecified"
    OUT_OF_STOCK = "out_of_stock"
    MONTH_CLOSED = "month_closed"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """Units bought of one stock line."""

    stock_line_id: int
    product: str
    manufacturer_name: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True, slots=True)
class DroppedLine:
    """A cart line the checkout could not serve, and why."""

    stock_line_id: int
    product: str
    requested: int
    available: int
    reason: DropReason


@dataclass(frozen=True, slots=True)
class Order:
    """A placed order."""

    order_id: str
    month: int
    lines: tuple[OrderLine, ...]
    dropped_lines: tuple[DroppedLine, ...]
    total_cents: int
    card_last4: str
    created_at: datetime | None
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class CheckoutResult:
    """A checkout's order; ``replayed`` when the key had been used before (nothing sold twice)."""

    order: Order
    replayed: bool
