"""The client package's records to the plain JSON-ready dicts the pages read (money stays integer cents).

States go out by their enum names ("OPEN", "RESERVED", "OUT_OF_STOCK"): the records'
enums are the one translation of the wire's, made in ``distribution_client.convert``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from distribution_client import (
    BranchAlert,
    BranchDay,
    Cart,
    CartLine,
    CheckoutResult,
    InventoryValue,
    ManufacturerInfo,
    MonthStatus,
    Order,
    Registration,
    StockLine,
    TopProduct,
)

Json = dict[str, Any]


def iso(moment: datetime | None) -> str:
    """ISO 8601 in UTC, or "" for a time the central did not give."""
    return moment.isoformat() if moment is not None else ""


def registration(new: Registration) -> Json:
    """A new customer's id, token and card digits."""
    return {"customer_id": new.customer_id, "token": new.token, "card_last4": new.card_last4}


def stock_line(line: StockLine) -> Json:
    """One stock line with its counters."""
    return {
        "id": line.stock_line_id,
        "month": line.month,
        "manufacturer": line.manufacturer_name,
        "product": line.product,
        "price_cents": line.unit_price_cents,
        "offered": line.offered,
        "reserved": line.reserved,
        "sold": line.sold,
        "available": line.available,
    }


def cart_line(line: CartLine) -> Json:
    """One reservation in a cart, with its expiry."""
    return {
        "reservation_id": line.reservation_id,
        "stock_line_id": line.stock_line_id,
        "product": line.product,
        "manufacturer": line.manufacturer_name,
        "quantity": line.quantity,
        "price_cents": line.unit_price_cents,
        "state": line.state.name,
        "expires_at": iso(line.expires_at),
    }


def cart(held: Cart) -> Json:
    """The cart with its total."""
    return {"lines": [cart_line(line) for line in held.lines], "total_cents": held.total_cents}


def order(placed: Order) -> Json:
    """An order with its bought and dropped lines."""
    return {
        "order_id": placed.order_id,
        "month": placed.month,
        "total_cents": placed.total_cents,
        "card_last4": placed.card_last4,
        "created_at": iso(placed.created_at),
        "idempotency_key": placed.idempotency_key,
        "lines": [
            {
                "product": line.product,
                "manufacturer": line.manufacturer_name,
                "quantity": line.quantity,
                "price_cents": line.unit_price_cents,
            }
            for line in placed.lines
        ],
        "dropped": [
            {
                "product": line.product,
                "requested": line.requested,
                "available": line.available,
                "reason": line.reason.name,
            }
            for line in placed.dropped_lines
        ],
    }


def checkout(result: CheckoutResult) -> Json:
    """A checkout's order, and whether the key had placed it before."""
    return {"order": order(result.order), "replayed": result.replayed}


def month_status(status: MonthStatus) -> Json:
    """What the dashboard shows of the month."""
    return {
        "month": status.month,
        "state": status.state.name,
        "order_count": status.order_count,
        "revenue_cents": status.revenue_cents,
        "unmet_demand": status.unmet_demand,
        "finished_shoppers": status.finished_shoppers,
        "shopper_names": list(status.shopper_names),
        "opened_at": iso(status.opened_at),
        "closed_at": iso(status.closed_at),
        "close_reason": status.close_reason,
        "paused": status.paused,
        "paused_ms": status.paused_ms,
        "closes_at": iso(status.closes_at),
        "lines": [stock_line(line) for line in status.stock_lines],
    }


def manufacturer(info: ManufacturerInfo) -> Json:
    """A manufacturer's link state."""
    return {
        "name": info.name,
        "connected": info.connected,
        "pending_notifications": info.pending_notifications,
    }


def branch_day(day: BranchDay) -> Json:
    """One branch's revenue and loss for one day, and whether the branch has reported it yet.

    The central answers 0 reported for a day not reported yet, and flags only a reported day
    whose revenue differs from its stream: a day with sales streamed, nothing reported and no
    flag is still pending (a report of $0 beside streamed sales would be flagged).
    """
    unreported = day.revenue_cents == 0 and day.loss_cents == 0
    pending = unreported and not day.flagged and day.streamed_revenue_cents > 0
    return {
        "reported": not pending,
        "branch": day.branch_name,
        "day": day.business_day,
        "revenue_cents": day.revenue_cents,
        "loss_cents": day.loss_cents,
        "streamed_revenue_cents": day.streamed_revenue_cents,
        "transactions": day.transaction_count,
        "flagged": day.flagged,
    }


def branch_alert(alert: BranchAlert) -> Json:
    """An open low-stock alert."""
    return {
        "branch": alert.branch_name,
        "product": alert.alert.product,
        "quantity": alert.alert.quantity,
        "reorder_point": alert.alert.reorder_point,
        "raised_at": iso(alert.alert.raised_at),
    }


def inventory_value(row: InventoryValue) -> Json:
    """One branch's inventory at cost."""
    return {"branch": row.branch_name, "value_cents": row.value_cents, "units": row.units}


def top_product(row: TopProduct) -> Json:
    """A product's branch sales."""
    return {"product": row.product, "units": row.units, "revenue_cents": row.revenue_cents}
