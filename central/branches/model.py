"""Branch-store domain values and their input rules (plain Python, no gRPC).

Every figure a branch sends has a bound, so that every sum the central keeps or
reports fits in a signed 64-bit integer:

- an item: quantity 1 to 1,000,000; unit price 0 to 100,000,000 cents;
- a sale: 1 to 100 items; subtotal at most 10,000,000,000 cents; tax 0 to the subtotal
  (so a total is at most 2 * 10^10 cents);
- a day-end report: revenue and loss 0 to 10^15 cents, 0 to 10^9 transactions;
- an inventory report: at most 10,000 products and 10,000 alerts; quantity and reorder
  point 0 to 1,000,000, unit cost 0 to 100,000,000 cents (a branch's inventory value is
  then at most 10^18 cents);
- a time: years 1 to 9999 (see ``nodekit.timestamps``).

A day's streamed revenue passes 2^63 cents only after more than 400 million maximal
sales of one branch on one day, and a product's revenue after more than 900 million
maximal item lines: far past what one central records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from central.domain.rules import MAX_PRICE_CENTS, MAX_QUANTITY
from nodekit.errors import invalid

PAYMENT_METHODS = frozenset({"cash", "debit", "credit", "mobile"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ITEMS = 100
MAX_ID = 64
MAX_SALE_CENTS = 10**10
MAX_DAY_CENTS = 10**15
MAX_DAY_TRANSACTIONS = 10**9
MAX_INVENTORY_ITEMS = 10_000


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
        if (
            not 1 <= item.quantity <= MAX_QUANTITY
            or not 0 <= item.unit_price_cents <= MAX_PRICE_CENTS
            or not item.product
        ):
            raise invalid(
                "BAD_ITEM",
                f"An item of {tid} has a bad product, quantity (1-{MAX_QUANTITY}) "
                f"or unit price (0-{MAX_PRICE_CENTS} cents).",
                transaction_id=tid,
            )
    subtotal = sum(item.quantity * item.unit_price_cents for item in sale.items)
    if subtotal > MAX_SALE_CENTS:
        raise invalid(
            "SALE_TOO_LARGE",
            f"The subtotal of {tid} is above {MAX_SALE_CENTS} cents.",
            transaction_id=tid,
            max_cents=MAX_SALE_CENTS,
        )
    if (
        subtotal != sale.subtotal_cents
        or not 0 <= sale.tax_cents <= sale.subtotal_cents
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
    """Refuses negative or too large figures and malformed days."""
    business_day(report.business_day)
    if min(report.revenue_cents, report.loss_cents, report.transaction_count) < 0:
        raise invalid("NEGATIVE_FIGURE", "Revenue, loss and count cannot be negative.")
    if max(report.revenue_cents, report.loss_cents) > MAX_DAY_CENTS or (
        report.transaction_count > MAX_DAY_TRANSACTIONS
    ):
        raise invalid(
            "FIGURE_TOO_LARGE",
            f"A day's revenue and loss are at most {MAX_DAY_CENTS} cents "
            f"and its transactions at most {MAX_DAY_TRANSACTIONS}.",
            max_cents=MAX_DAY_CENTS,
            max_transactions=MAX_DAY_TRANSACTIONS,
        )
    return report


def check_inventory(items: Sequence[InventoryItem], alerts: Sequence[LowStockAlert]) -> None:
    """Refuses an inventory report with repeated products or figures out of bounds."""
    if len(items) > MAX_INVENTORY_ITEMS or len(alerts) > MAX_INVENTORY_ITEMS:
        raise invalid(
            "TOO_MANY_ITEMS",
            f"An inventory report holds at most {MAX_INVENTORY_ITEMS} products and as many alerts.",
            max_items=MAX_INVENTORY_ITEMS,
        )
    products = [item.product for item in items]
    if len(set(products)) != len(products) or len({a.product for a in alerts}) != len(alerts):
        raise invalid("DUPLICATE_PRODUCT", "A product appears twice in the inventory report.")
    if any(item.quantity < 0 or item.unit_cost_cents < 0 or item.reorder_point < 0 for item in items) or any(
        alert.quantity < 0 or alert.reorder_point < 0 for alert in alerts
    ):
        raise invalid("NEGATIVE_FIGURE", "Quantities and costs cannot be negative.")
    counts = [n for item in items for n in (item.quantity, item.reorder_point)]
    counts += [n for alert in alerts for n in (alert.quantity, alert.reorder_point)]
    if any(n > MAX_QUANTITY for n in counts) or any(item.unit_cost_cents > MAX_PRICE_CENTS for item in items):
        raise invalid(
            "FIGURE_TOO_LARGE",
            f"Quantities and reorder points are at most {MAX_QUANTITY}, "
            f"unit costs at most {MAX_PRICE_CENTS} cents.",
            max_quantity=MAX_QUANTITY,
            max_cents=MAX_PRICE_CENTS,
        )
