"""What a branch sends and what the headquarters reads back about branches (plain values)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "BranchAlert",
    "BranchDay",
    "DayReport",
    "DayReportReceipt",
    "InventoryItem",
    "InventoryValue",
    "LowStockAlert",
    "PaymentMethod",
    "Sale",
    "SaleAck",
    "SaleAcks",
    "SaleItem",
    "SalesReply",
    "SalesResume",
    "TopProduct",
]


class PaymentMethod(enum.Enum):
    """How a walk-in shopper paid (the value is the branch database's spelling)."""

    CASH = "cash"
    DEBIT = "debit"
    CREDIT = "credit"
    MOBILE = "mobile"


@dataclass(frozen=True, slots=True)
class SaleItem:
    """One item of a point-of-sale transaction."""

    product: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True, slots=True)
class Sale:
    """A point-of-sale transaction with its per-branch sequence number.

    ``payment_method`` is a ``PaymentMethod`` value (``"cash"``, ...).
    """

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
class SalesResume:
    """The central's first answer on a sales stream: the last sequence it has committed (0 for none)."""

    last_sequence: int


@dataclass(frozen=True, slots=True)
class SaleAck:
    """A committed sale (``duplicate`` when the central had it before)."""

    sequence: int
    transaction_id: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class SaleAcks:
    """The sales one commit covered, in sequence order."""

    acks: tuple[SaleAck, ...]


SalesReply = SalesResume | SaleAcks
"""What the central sends on a sales stream."""


@dataclass(frozen=True, slots=True)
class DayReport:
    """One business day's figures as a branch reports them."""

    branch_name: str
    business_day: str
    revenue_cents: int
    loss_cents: int
    transaction_count: int


@dataclass(frozen=True, slots=True)
class DayReportReceipt:
    """The central's answer to a day-end report (a resent identical report is not ``created``)."""

    created: bool
    streamed_revenue_cents: int
    flagged: bool


@dataclass(frozen=True, slots=True)
class InventoryItem:
    """One product on a branch's shelves."""

    product: str
    quantity: int
    unit_cost_cents: int
    reorder_point: int


@dataclass(frozen=True, slots=True)
class LowStockAlert:
    """A product at or below its reorder point."""

    product: str
    quantity: int
    reorder_point: int
    raised_at: datetime | None


@dataclass(frozen=True, slots=True)
class BranchDay:
    """One branch's figures for one business day, as the central holds them."""

    branch_name: str
    business_day: str
    revenue_cents: int
    loss_cents: int
    streamed_revenue_cents: int
    transaction_count: int
    flagged: bool


@dataclass(frozen=True, slots=True)
class BranchAlert:
    """An open low-stock alert of a branch."""

    branch_name: str
    alert: LowStockAlert


@dataclass(frozen=True, slots=True)
class InventoryValue:
    """One branch's inventory at cost."""

    branch_name: str
    units: int
    value_cents: int


@dataclass(frozen=True, slots=True)
class TopProduct:
    """A product's sales across the branches."""

    product: str
    units: int
    revenue_cents: int
