"""The branch's plain values: sales, stock, alerts and day figures (no protobuf here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from distribution_client import PaymentMethod

# A sale and its items are what the branch streams: the client package's records.
from distribution_client import Sale as Sale
from distribution_client import SaleItem as SaleItem

# How a walk-in shopper may pay, by the client package's spelling (the simulator draws from these).
PAYMENT_METHODS = tuple(method.value for method in PaymentMethod)


class AlertState(StrEnum):
    """Where a low-stock alert is (the value is the alerts table's spelling); see ``low_stock``."""

    OPEN = "open"
    BUYING = "checkout"
    RECEIVED = "received"


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
    state: AlertState
    attempt: int


@dataclass(frozen=True, slots=True)
class DayFigures:
    """A closed business day: what the branch reports to headquarters."""

    business_day: str
    revenue_cents: int
    loss_cents: int
    transaction_count: int
    last_sequence: int
