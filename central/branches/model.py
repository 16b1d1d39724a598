"""Branch-store domain values and their input rules (plain Python, no gRPC)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from nodekit.errors import invalid

PAYMENT_METHODS = frozenset({"cash", "debit", "credit", "mobile"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ITEMS = 100
MAX_ID = 64


@dataclass(frozen=True, slots=True)
class SaleItem:
    """One item of a point-of-sale transaction."""

    product: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True, slots=True)
class Sale:
    """A point-of-sale transaction as the branch streamed it."""

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
class SaleAck:
    """A committed sale (``duplicate`` when the central had it before)."""

    sequence: int
    transaction_id: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class DailyReport:
    """One business day's figures as the branch reports them."""

    branch_name: str
    business_day: str
    revenue_cents: int
    loss_cents: int
    transaction_count: int


@dataclass(frozen=True, slots=True)
class ReportReceipt:
    """What the central answers to a daily report."""

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
    """An open low-stock alert of a branch."""

    product: str
    quantity: int
    reorder_point: int
    raised_at: datetime


def business_day(value: str) -> str:
    """A YYYY-MM-DD day."""
    if not _DAY.match(value):
        raise invalid(
            "BAD_BUSINESS_DAY", f"The business day must be YYYY-MM-DD; got {value!r}.", business_day=value
        )
    return value


def check_sale(sale: Sale) -> Sale:
    """Refuses a sale whose id, sequence, items or sums do not add up."""
    tid = sale.transaction_id
    if not tid or len(tid) > MAX_ID or not tid.isprintable():
        raise invalid("BAD_TRANSACTION_ID", f"The transaction id must be 1-{MAX_ID} characters.")
    if sale.sequence < 1:
        raise invalid(
            "BAD_SEQUENCE", f"Sequence numbers start at 1; got {sale.sequence}.", sequence=sale.sequence
        )
    business_day(sale.business_day)
    if not 1 <= len(sale.items) <= MAX_ITEMS:
        raise invalid(
            "BAD_ITEMS", f"A sale has 1-{MAX_ITEMS} items; {tid} has {len(sale.items)}.", transaction_id=tid
        )
    for item in sale.items:
        if item.quantity < 1 or item.unit_price_cents < 0 or not item.product:
            raise invalid(
                "BAD_ITEM", f"An item of {tid} has a bad product, quantity or price.", transaction_id=tid
            )
    subtotal = sum(item.quantity * item.unit_price_cents for item in sale.items)
    if (
        subtotal != sale.subtotal_cents
        or sale.tax_cents < 0
        or sale.total_cents != sale.subtotal_cents + sale.tax_cents
    ):
        raise invalid(
            "SALE_DOES_NOT_ADD_UP",
            f"Items, subtotal, tax and total of {tid} do not add up.",
            transaction_id=tid,
        )
    if sale.payment_method not in PAYMENT_METHODS:
        raise invalid("BAD_PAYMENT_METHOD", f"{tid} has no known payment method.", transaction_id=tid)
    return sale


def check_report(report: DailyReport) -> DailyReport:
    """Refuses negative figures and malformed days."""
    business_day(report.business_day)
    if min(report.revenue_cents, report.loss_cents, report.transaction_count) < 0:
        raise invalid("NEGATIVE_FIGURE", "Revenue, loss and count cannot be negative.")
    return report
