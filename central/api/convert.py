"""Conversion from the central's read models to protobuf messages."""

from __future__ import annotations

from central.domain.months import MonthState, ProductOutcome
from central.domain.orders import DropReason
from central.domain.recommend import Priority, Recommendation
from central.domain.stock import StockLine
from central.service.month_status import MonthStatusView
from central.service.views import CartLineView, OrderView
from generated.distribution.v1 import cart_pb2, common_pb2, month_pb2, order_pb2
from nodekit.timestamps import to_timestamp

MONTH_STATES = {
    MonthState.COLLECTING: common_pb2.MONTH_STATE_COLLECTING,
    MonthState.OPEN: common_pb2.MONTH_STATE_OPEN,
    MonthState.CLOSED: common_pb2.MONTH_STATE_CLOSED,
}
PRIORITIES = {
    Priority.A: common_pb2.PRIORITY_A,
    Priority.B: common_pb2.PRIORITY_B,
    Priority.C: common_pb2.PRIORITY_C,
}
DROP_REASONS = {
    DropReason.OUT_OF_STOCK: order_pb2.DROP_REASON_OUT_OF_STOCK,
    DropReason.MONTH_CLOSED: order_pb2.DROP_REASON_MONTH_CLOSED,
}


def stock_line(line: StockLine) -> common_pb2.StockLine:
    """A stock line with its counters."""
    return common_pb2.StockLine(
        stock_line_id=line.stock_line_id,
        month=line.month,
        manufacturer_id=line.manufacturer_id,
        manufacturer_name=line.manufacturer_name,
        product=line.product,
        unit_price_cents=line.unit_price_cents,
        offered=line.offered,
        reserved=line.reserved,
        sold=line.sold,
        available=line.available,
    )


def cart_line(line: CartLineView) -> cart_pb2.CartLine:
    """A reservation in a cart."""
    return cart_pb2.CartLine(
        reservation_id=line.reservation_id,
        stock_line_id=line.stock_line_id,
        product=line.product,
        manufacturer_name=line.manufacturer_name,
        quantity=line.quantity,
        unit_price_cents=line.unit_price_cents,
        state=cart_pb2.CART_LINE_STATE_EXPIRED if line.expired else cart_pb2.CART_LINE_STATE_RESERVED,
        expires_at=to_timestamp(line.expires_at),
    )


def order(view: OrderView) -> order_pb2.Order:
    """A placed order with bought and dropped lines."""
    return order_pb2.Order(
        order_id=view.order_id,
        month=view.month,
        lines=[
            order_pb2.OrderLine(
                stock_line_id=line.stock_line_id,
                product=line.product,
                manufacturer_name=line.manufacturer_name,
                quantity=line.quantity,
                unit_price_cents=line.unit_price_cents,
            )
            for line in view.lines
        ],
        dropped_lines=[
            order_pb2.DroppedLine(
                stock_line_id=d.stock_line_id,
                product=d.product,
                requested=d.requested,
                available=d.available,
                reason=DROP_REASONS.get(d.reason, order_pb2.DROP_REASON_UNSPECIFIED),
            )
            for d in view.dropped
        ],
        total_cents=view.total_cents,
        card_last4=view.card_last4,
        created_at=to_timestamp(view.created_at),
        idempotency_key=view.idempotency_key,
    )


def product_result(outcome: ProductOutcome) -> common_pb2.ProductResult:
    """One product's month result."""
    return common_pb2.ProductResult(
        product=outcome.product,
        offered=outcome.offered,
        sold=outcome.sold,
        revenue_cents=outcome.revenue_cents,
        unsold=outcome.unsold,
        unmet_demand=outcome.unmet_demand,
    )


def recommendation(advice: Recommendation) -> common_pb2.ProductionRecommendation:
    """One product's production advice."""
    return common_pb2.ProductionRecommendation(
        product=advice.product,
        daily_demand_milli=advice.daily_demand_milli,
        recommended_quantity=advice.recommended_quantity,
        priority=PRIORITIES[advice.priority],
    )


def month_status(view: MonthStatusView) -> month_pb2.MonthStatus:
    """Everything about one month."""
    by_maker: dict[str, list[ProductOutcome]] = {}
    for outcome in view.results:
        by_maker.setdefault(outcome.manufacturer_name, []).append(outcome)
    return month_pb2.MonthStatus(
        month=view.month,
        state=MONTH_STATES[view.state] if view.month else common_pb2.MONTH_STATE_UNSPECIFIED,
        stock_lines=[stock_line(line) for line in view.lines],
        order_count=view.order_count,
        revenue_cents=view.revenue_cents,
        skipped_manufacturers=view.skipped,
        finished_shoppers=view.finished_shoppers,
        unmet_demand=view.unmet_demand,
        opened_at=to_timestamp(view.opened_at),
        closed_at=to_timestamp(view.closed_at),
        manufacturer_results=[
            month_pb2.ManufacturerResult(
                manufacturer_name=name,
                results=[product_result(o) for o in outcomes],
                recommendations=[recommendation(r) for r in view.advice.get(name, ())],
            )
            for name, outcomes in by_maker.items()
        ],
        close_reason=view.close_reason,
        shopper_names=view.shoppers,
        recommendation_horizon_days=view.horizon_days,
        recommendation_window=view.window,
        paused=view.paused,
        paused_at=to_timestamp(view.paused_at),
        paused_ms=view.paused_ms,
        close_after_seconds=view.close_after_seconds,
        closes_at=to_timestamp(view.closes_at),
    )
