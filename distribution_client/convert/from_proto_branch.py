"""Wire messages -> plain records, for branches: the sales stream, day receipts and the chain's reports."""

from __future__ import annotations

from collections.abc import Iterable

from distribution_client.convert.from_proto import moment
from distribution_client.records import (
    BranchAlert,
    BranchDay,
    DayReportReceipt,
    InventoryValue,
    LowStockAlert,
    SaleAck,
    SaleAcks,
    SalesReply,
    SalesResume,
    TopProduct,
)
from generated.distribution.v1 import branch_pb2, report_pb2


def sales_reply(message: branch_pb2.StreamSalesResponse) -> SalesReply | None:
    """One message of the sales stream; None for a kind this client does not know."""
    kind = message.WhichOneof("message")
    if kind == "resume":
        return SalesResume(message.resume.last_sequence)
    if kind == "acks":
        return SaleAcks(tuple(SaleAck(a.sequence, a.transaction_id, a.duplicate) for a in message.acks.acks))
    return None


def day_report_receipt(reply: branch_pb2.SubmitDailyReportResponse) -> DayReportReceipt:
    """The central's answer to a day-end report."""
    return DayReportReceipt(reply.created, reply.streamed_revenue_cents, reply.flagged)


def branch_days(days: Iterable[report_pb2.BranchDay]) -> tuple[BranchDay, ...]:
    """GetBranchRevenue's rows."""
    return tuple(
        BranchDay(
            d.branch_name,
            d.business_day,
            d.revenue_cents,
            d.loss_cents,
            d.streamed_revenue_cents,
            d.transaction_count,
            d.flagged,
        )
        for d in days
    )


def low_stock_alert(alert: branch_pb2.LowStockAlert) -> LowStockAlert:
    """One low-stock alert."""
    return LowStockAlert(alert.product, alert.quantity, alert.reorder_point, moment(alert, "raised_at"))


def branch_alerts(alerts: Iterable[report_pb2.BranchAlert]) -> tuple[BranchAlert, ...]:
    """ListLowStockAlerts' rows, oldest first."""
    return tuple(BranchAlert(a.branch_name, low_stock_alert(a.alert)) for a in alerts)


def inventory_values(rows: Iterable[report_pb2.BranchInventoryValue]) -> tuple[InventoryValue, ...]:
    """GetInventoryValue's rows."""
    return tuple(InventoryValue(b.branch_name, b.units, b.value_cents) for b in rows)


def top_products(rows: Iterable[report_pb2.TopProduct]) -> tuple[TopProduct, ...]:
    """ListTopProducts' rows, by units sold."""
    return tuple(TopProduct(p.product, p.units, p.revenue_cents) for p in rows)
