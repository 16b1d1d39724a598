"""Proto messages to the plain JSON-ready dicts the pages read (money stays integer cents)."""

from __future__ import annotations

from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from generated.distribution.v1 import (
    cart_pb2,
    common_pb2,
    month_pb2,
    order_pb2,
    report_pb2,
)
from nodekit.timestamps import from_timestamp

Json = dict[str, Any]

MONTH_STATES: dict[int, str] = {
    common_pb2.MONTH_STATE_COLLECTING: "COLLECTING",
    common_pb2.MONTH_STATE_OPEN: "OPEN",
    common_pb2.MONTH_STATE_CLOSED: "CLOSED",
}
CART_STATES: dict[int, str] = {
    cart_pb2.CART_LINE_STATE_RESERVED: "RESERVED",
    cart_pb2.CART_LINE_STATE_EXPIRED: "EXPIRED",
}
DROP_REASONS: dict[int, str] = {
    order_pb2.DROP_REASON_OUT_OF_STOCK: "OUT_OF_STOCK",
    order_pb2.DROP_REASON_MONTH_CLOSED: "MONTH_CLOSED",
}


def iso(stamp: Timestamp, present: bool = True) -> str:
    """ISO 8601 in UTC, or "" for an unset timestamp."""
    return from_timestamp(stamp).isoformat() if present else ""


def month_state(state: int) -> str:
    """A month state's name without the enum's prefix."""
    return MONTH_STATES.get(state, "UNSPECIFIED")


def stock_line(line: common_pb2.StockLine) -> Json:
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


def cart_line(line: cart_pb2.CartLine) -> Json:
    """One reservation in a cart, with its expiry."""
    return {
        "reservation_id": line.reservation_id,
        "stock_line_id": line.stock_line_id,
        "product": line.product,
        "manufacturer": line.manufacturer_name,
        "quantity": line.quantity,
        "price_cents": line.unit_price_cents,
        "state": CART_STATES.get(line.state, "UNSPECIFIED"),
        "expires_at": iso(line.expires_at, line.HasField("expires_at")),
    }


def cart(reply: cart_pb2.GetCartResponse) -> Json:
    """The cart with its total."""
    return {"lines": [cart_line(line) for line in reply.lines], "total_cents": reply.total_cents}


def order(placed: order_pb2.Order) -> Json:
    """An order with its bought and dropped lines."""
    return {
        "order_id": placed.order_id,
        "month": placed.month,
        "total_cents": placed.total_cents,
        "card_last4": placed.card_last4,
        "created_at": iso(placed.created_at, placed.HasField("created_at")),
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
                "reason": DROP_REASONS.get(line.reason, "UNSPECIFIED"),
            }
            for line in placed.dropped_lines
        ],
    }


def month_status(status: month_pb2.MonthStatus) -> Json:
    """What the dashboard shows of the month."""
    return {
        "month": status.month,
        "state": month_state(status.state),
        "order_count": status.order_count,
        "revenue_cents": status.revenue_cents,
        "unmet_demand": status.unmet_demand,
        "finished_shoppers": status.finished_shoppers,
        "shopper_names": list(status.shopper_names),
        "opened_at": iso(status.opened_at, status.HasField("opened_at")),
        "closed_at": iso(status.closed_at, status.HasField("closed_at")),
        "close_reason": status.close_reason,
        "paused": status.paused,
        "paused_ms": status.paused_ms,
        "closes_at": iso(status.closes_at, status.HasField("closes_at")),
        "lines": [stock_line(line) for line in status.stock_lines],
    }


def manufacturer(info: month_pb2.ManufacturerInfo) -> Json:
    """A manufacturer's link state."""
    return {
        "name": info.name,
        "connected": info.connected,
        "pending_notifications": info.pending_notifications,
    }


def branch_day(day: report_pb2.BranchDay) -> Json:
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


def branch_alert(alert: report_pb2.BranchAlert) -> Json:
    """An open low-stock alert."""
    return {
        "branch": alert.branch_name,
        "product": alert.alert.product,
        "quantity": alert.alert.quantity,
        "reorder_point": alert.alert.reorder_point,
        "raised_at": iso(alert.alert.raised_at, alert.alert.HasField("raised_at")),
    }


def inventory_value(row: report_pb2.BranchInventoryValue) -> Json:
    """One branch's inventory at cost."""
    return {"branch": row.branch_name, "value_cents": row.value_cents, "units": row.units}


def top_product(row: report_pb2.TopProduct) -> Json:
    """A product's branch sales."""
    return {"product": row.product, "units": row.units, "revenue_cents": row.revenue_cents}
