"""Replies of the central -> the operator command's plain values."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from central.admin.model import (
    AlertRow,
    BranchDayRow,
    InventoryRow,
    ManufacturerRow,
    MonthReport,
    OpenedMonth,
    ResultRow,
    StockLineRow,
    TopProductRow,
)
from generated.distribution.v1 import common_pb2, month_pb2, report_pb2
from nodekit.timestamps import from_timestamp

_STATE_PREFIX = "MONTH_STATE_"


def state_name(state: int) -> str:
    """``OPEN`` for MONTH_STATE_OPEN; a value this client does not know shows as its number."""
    try:
        return common_pb2.MonthState.Name(state).removeprefix(_STATE_PREFIX)
    except ValueError:
        return str(state)


def _moment(message: Message, field: str) -> datetime | None:
    if not message.HasField(field):
        return None
    stamp = getattr(message, field)
    assert isinstance(stamp, Timestamp)
    return from_timestamp(stamp)


def opened_month(reply: month_pb2.OpenMonthResponse) -> OpenedMonth:
    """The answer to OpenMonth."""
    return OpenedMonth(
        month=reply.month,
        state=state_name(reply.state),
        offered_manufacturers=tuple(reply.offered_manufacturers),
        skipped_manufacturers=tuple(reply.skipped_manufacturers),
        stock_line_count=reply.stock_line_count,
    )


def month_report(status: month_pb2.MonthStatus) -> MonthReport:
    """A month's status with its lines and results, in the central's order."""
    return MonthReport(
        month=status.month,
        state=state_name(status.state),
        opened_at=_moment(status, "opened_at"),
        closed_at=_moment(status, "closed_at"),
        close_reason=status.close_reason,
        paused=status.paused,
        closes_at=_moment(status, "closes_at"),
        order_count=status.order_count,
        revenue_cents=status.revenue_cents,
        finished_shoppers=status.finished_shoppers,
        unmet_demand=status.unmet_demand,
        skipped_manufacturers=tuple(status.skipped_manufacturers),
        stock_lines=tuple(
            StockLineRow(
                line.product,
                line.manufacturer_name,
                line.unit_price_cents,
                line.offered,
                line.reserved,
                line.sold,
                line.available,
            )
            for line in status.stock_lines
        ),
        results=tuple(
            ResultRow(
                each.manufacturer_name,
                result.product,
                result.offered,
                result.sold,
                result.revenue_cents,
                result.unsold,
                result.unmet_demand,
            )
            for each in status.manufacturer_results
            for result in each.results
        ),
    )


def manufacturers(reply: month_pb2.ListManufacturersResponse) -> list[ManufacturerRow]:
    """The manufacturers, by name."""
    return [
        ManufacturerRow(
            m.manufacturer_id, m.name, m.connected, _moment(m, "last_seen_at"), m.pending_notifications
        )
        for m in reply.manufacturers
    ]


def branch_days(reply: report_pb2.GetBranchRevenueResponse) -> list[BranchDayRow]:
    """Branch days, by branch, then day."""
    return [
        BranchDayRow(
            d.branch_name,
            d.business_day,
            d.revenue_cents,
            d.loss_cents,
            d.streamed_revenue_cents,
            d.transaction_count,
            d.flagged,
        )
        for d in reply.days
    ]


def inventory(reply: report_pb2.GetInventoryValueResponse) -> list[InventoryRow]:
    """One row per branch."""
    return [InventoryRow(b.branch_name, b.units, b.value_cents) for b in reply.branches]


def top_products(reply: report_pb2.ListTopProductsResponse) -> list[TopProductRow]:
    """Products by units sold, descending."""
    return [TopProductRow(p.product, p.units, p.revenue_cents) for p in reply.products]


def alerts(reply: report_pb2.ListLowStockAlertsResponse) -> list[AlertRow]:
    """Open alerts, oldest first."""
    return [
        AlertRow(
            a.branch_name,
            a.alert.product,
            a.alert.quantity,
            a.alert.reorder_point,
            _moment(a.alert, "raised_at"),
        )
        for a in reply.alerts
    ]
