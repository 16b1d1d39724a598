"""Plain records -> wire messages: the only writer of what is sent to the central."""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never

from distribution_client.convert.enums import WIRE_PAYMENT_METHODS
from distribution_client.records import (
    Card,
    DayReport,
    Hello,
    InventoryItem,
    LinkReply,
    LowStockAlert,
    NotificationAck,
    OfferLine,
    OfferReply,
    PaymentMethod,
    Sale,
)
from generated.distribution.v1 import branch_pb2, common_pb2, customer_pb2, manufacturer_pb2
from nodekit.timestamps import to_timestamp


def card(plain: Card) -> customer_pb2.PaymentCard:
    """A payment card."""
    return customer_pb2.PaymentCard(
        number=plain.number, expiry_month=plain.expiry_month, expiry_year=plain.expiry_year
    )


def sale(plain: Sale, trace_parent: str = "") -> branch_pb2.SaleTransaction:
    """A point-of-sale transaction (``trace_parent``: the branch's span, so the central continues it).

    Raises:
        ValueError: For a payment method that is not a ``PaymentMethod`` value.
    """
    return branch_pb2.SaleTransaction(
        transaction_id=plain.transaction_id,
        sequence=plain.sequence,
        occurred_at=to_timestamp(plain.occurred_at),
        business_day=plain.business_day,
        items=[
            branch_pb2.SaleItem(product=i.product, quantity=i.quantity, unit_price_cents=i.unit_price_cents)
            for i in plain.items
        ],
        subtotal_cents=plain.subtotal_cents,
        tax_cents=plain.tax_cents,
        total_cents=plain.total_cents,
        payment_method=WIRE_PAYMENT_METHODS[PaymentMethod(plain.payment_method)],
        customer_name=plain.customer_name,
        trace_parent=trace_parent,
    )


def sale_request(plain: Sale, trace_parent: str = "") -> branch_pb2.StreamSalesRequest:
    """What the sales stream carries for one sale."""
    return branch_pb2.StreamSalesRequest(sale=sale(plain, trace_parent))


def day_report(plain: DayReport) -> branch_pb2.SubmitDailyReportRequest:
    """A day-end report."""
    return branch_pb2.SubmitDailyReportRequest(
        branch_name=plain.branch_name,
        business_day=plain.business_day,
        revenue_cents=plain.revenue_cents,
        loss_cents=plain.loss_cents,
        transaction_count=plain.transaction_count,
    )


def inventory(
    branch: str, items: Iterable[InventoryItem], alerts: Iterable[LowStockAlert]
) -> branch_pb2.ReportInventoryRequest:
    """A branch's shelves and open alerts."""
    return branch_pb2.ReportInventoryRequest(
        branch_name=branch,
        items=[
            branch_pb2.InventoryItem(
                product=i.product,
                quantity=i.quantity,
                unit_cost_cents=i.unit_cost_cents,
                reorder_point=i.reorder_point,
            )
            for i in items
        ],
        open_alerts=[
            branch_pb2.LowStockAlert(
                product=a.product,
                quantity=a.quantity,
                reorder_point=a.reorder_point,
                raised_at=to_timestamp(a.raised_at),
            )
            for a in alerts
        ],
    )


def offer_lines(lines: Iterable[OfferLine]) -> list[common_pb2.OfferLine]:
    """A manufacturer's offer."""
    return [
        common_pb2.OfferLine(product=x.product, quantity=x.quantity, unit_price_cents=x.unit_price_cents)
        for x in lines
    ]


def link_request(message: LinkReply) -> manufacturer_pb2.ConnectRequest:
    """One message a manufacturer sends on its link."""
    if isinstance(message, Hello):
        return manufacturer_pb2.ConnectRequest(hello=manufacturer_pb2.Hello())
    if isinstance(message, OfferReply):
        reply = manufacturer_pb2.OfferReply(
            request_id=message.request_id, month=message.month, lines=offer_lines(message.lines)
        )
        return manufacturer_pb2.ConnectRequest(offer=reply)
    if isinstance(message, NotificationAck):
        ack = manufacturer_pb2.NotificationAck(notification_id=message.notification_id)
        return manufacturer_pb2.ConnectRequest(ack=ack)
    assert_never(message)
