"""Wire messages -> plain records: the month, the catalog and the link's notices (shop and branch beside)."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from distribution_client.convert.enums import month_state, priority
from distribution_client.records import (
    Advice,
    Catalog,
    CatalogLine,
    CatalogUpdate,
    DepletionNotice,
    LinkMessage,
    ManufacturerInfo,
    ManufacturerOutcome,
    MonthStatus,
    Notice,
    Notification,
    OfferRequest,
    OpenedMonth,
    ProductOutcome,
    ReportNotice,
    StockLine,
    StockUpdate,
    Welcome,
)
from generated.distribution.v1 import (
    catalog_pb2,
    common_pb2,
    manufacturer_pb2,
    month_pb2,
)
from nodekit.timestamps import from_timestamp


def moment(message: Message, field: str) -> datetime | None:
    """An aware UTC time from a Timestamp field, or None when the field is unset."""
    if not message.HasField(field):
        return None
    stamp = getattr(message, field)
    assert isinstance(stamp, Timestamp)
    return from_timestamp(stamp)


def stock_line(line: common_pb2.StockLine, month: int = 0) -> StockLine:
    """A stock line (a missing month is taken from the enclosing message)."""
    return StockLine(
        stock_line_id=line.stock_line_id,
        month=line.month or month,
        manufacturer_name=line.manufacturer_name,
        product=line.product,
        unit_price_cents=line.unit_price_cents,
        offered=line.offered,
        reserved=line.reserved,
        sold=line.sold,
        available=line.available,
    )


def catalog_line(line: common_pb2.StockLine, month: int = 0) -> CatalogLine:
    """A stock line as a shopper sees it."""
    return CatalogLine(
        stock_line_id=line.stock_line_id,
        month=line.month or month,
        product=line.product,
        manufacturer_name=line.manufacturer_name,
        unit_price_cents=line.unit_price_cents,
        available=line.available,
    )


def catalog(reply: catalog_pb2.ListStockLinesResponse) -> Catalog:
    """The lines on sale now."""
    return Catalog(
        month=reply.month,
        state=month_state(reply.month_state),
        lines=tuple(catalog_line(line, reply.month) for line in reply.stock_lines),
        paused=reply.month_paused,
        month_seconds=reply.month_seconds,
    )


def catalog_update(message: catalog_pb2.WatchCatalogResponse) -> CatalogUpdate:
    """One message of the catalog stream."""
    return CatalogUpdate(
        snapshot=message.snapshot,
        month=message.month,
        state=month_state(message.month_state),
        lines=tuple(catalog_line(line, message.month) for line in message.stock_lines),
        paused=message.month_paused,
        month_seconds=message.month_seconds,
    )


def stock_update(message: catalog_pb2.WatchCatalogResponse) -> StockUpdate:
    """One message of the catalog stream, with each line's counters."""
    return StockUpdate(
        snapshot=message.snapshot,
        month=message.month,
        state=month_state(message.month_state),
        stock_lines=tuple(stock_line(line, message.month) for line in message.stock_lines),
    )


def product_outcome(result: common_pb2.ProductResult) -> ProductOutcome:
    """One product's closed month."""
    return ProductOutcome(
        result.product, result.offered, result.sold, result.revenue_cents, result.unsold, result.unmet_demand
    )


def advice(recommendation: common_pb2.ProductionRecommendation) -> Advice:
    """One production recommendation."""
    return Advice(
        product=recommendation.product,
        daily_demand_milli=recommendation.daily_demand_milli,
        recommended_quantity=recommendation.recommended_quantity,
        priority=priority(recommendation.priority),
    )


def month_status(status: month_pb2.MonthStatus) -> MonthStatus:
    """A month's status with its lines and results, in the central's order."""
    return MonthStatus(
        month=status.month,
        state=month_state(status.state),
        stock_lines=tuple(stock_line(line, status.month) for line in status.stock_lines),
        order_count=status.order_count,
        revenue_cents=status.revenue_cents,
        skipped_manufacturers=tuple(status.skipped_manufacturers),
        finished_shoppers=status.finished_shoppers,
        unmet_demand=status.unmet_demand,
        opened_at=moment(status, "opened_at"),
        closed_at=moment(status, "closed_at"),
        manufacturer_results=tuple(
            ManufacturerOutcome(
                manufacturer_name=each.manufacturer_name,
                products=tuple(product_outcome(result) for result in each.results),
                advice=tuple(advice(r) for r in each.recommendations),
            )
            for each in status.manufacturer_results
        ),
        close_reason=status.close_reason,
        shopper_names=tuple(status.shopper_names),
        paused=status.paused,
        paused_at=moment(status, "paused_at"),
        paused_ms=status.paused_ms,
        close_after_seconds=status.close_after_seconds,
        closes_at=moment(status, "closes_at"),
        recommendation_horizon_days=status.recommendation_horizon_days,
        recommendation_window=tuple(status.recommendation_window),
    )


def opened_month(reply: month_pb2.OpenMonthResponse) -> OpenedMonth:
    """The answer to OpenMonth."""
    return OpenedMonth(
        month=reply.month,
        state=month_state(reply.state),
        offered_manufacturers=tuple(reply.offered_manufacturers),
        skipped_manufacturers=tuple(reply.skipped_manufacturers),
        stock_line_count=reply.stock_line_count,
    )


def manufacturer_info(info: month_pb2.ManufacturerInfo) -> ManufacturerInfo:
    """A configured manufacturer and its link."""
    return ManufacturerInfo(
        info.manufacturer_id,
        info.name,
        info.connected,
        moment(info, "last_seen_at"),
        info.pending_notifications,
    )


def notice(note: manufacturer_pb2.Notification) -> Notice:
    """A link notification's payload: a depletion or a month report."""
    if note.WhichOneof("payload") == "depletion":
        d = note.depletion
        return DepletionNotice(d.month, d.stock_line_id, d.product, d.quantity_sold)
    r = note.month_report
    return ReportNotice(
        month=r.month,
        results=tuple(product_outcome(x) for x in r.results),
        advice=tuple(advice(a) for a in r.recommendations),
    )


def link_message(message: manufacturer_pb2.ConnectResponse) -> LinkMessage | None:
    """One message of a manufacturer's link; None for a kind this client does not know."""
    kind = message.WhichOneof("message")
    if kind == "welcome":
        return Welcome(message.welcome.manufacturer_id, message.welcome.name)
    if kind == "offer_request":
        return OfferRequest(message.offer_request.request_id, message.offer_request.month)
    if kind == "notification":
        note = message.notification
        return Notification(note.notification_id, notice(note))
    return None
