"""The branch's plain values: sales, stock, alerts and day figures (no gRPC here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PAYMENT_METHODS = ("cash", "debit", "credit", "mobile")


@dataclass(frozen=True, slots=True)
class SaleItem:
    """One item of a transaction."""

    product: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True, slots=True)
class Sale:
    """A point-of-sale transaction with its outbox sequence."""

    transaction_id: str
    sequence: int
    occurred_at: datetime
    business_day: str
    items: tuple[SaleItem, ...]
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    payment_method: str
    customer_name: str


@dataclass(frozen=True, slots=True)
class LostSale:
    """Demand the shelf could not meet."""

    product: str
    requested: int
    available: int


@dataclass(frozen=True, slots=True)
class SaleOutcome:
    """What a walk-in shopper's basket became: a sale (or none), lost items, new alerts."""

    sale: Sale | None
    lost: tuple[LostSale, ...]
    alerts_raised: int


@dataclass(frozen=True, slots=True)
class Shelf:
    """One product on the shelf."""

    product: str
    quantity: int
    unit_cost_cents: int
    unit_price_cents: int
    reorder_point: int
    reorder_quantity: int


@dataclass(frozen=True, slots=True)
class Alert:
    """A low-stock alert; its reorder's idempotency key derives from id and attempt."""

    alert_id: int
    product: str
    quantity: int
    reorder_point: int
    reorder_quantity: int
    raised_at: datetime
    state: str
    attempt: int


@dataclass(frozen=True, slots=True)
class DayFigures:
    """A closed business day: what the branch reports to headquarters."""

    business_day: str
    revenue_cents: int
    loss_cents: int
    transaction_count: int
    last_sequence: int
