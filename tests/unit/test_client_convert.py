"""The client package's converters: every wire enum value has a record value, and fields arrive intact."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from distribution_client import (
    CartLineState,
    DepletionNotice,
    DropReason,
    MonthState,
    PaymentMethod,
    Priority,
    ProductOutcome,
    ReportNotice,
    Sale,
    SaleItem,
)
from distribution_client.convert import enums, from_proto, from_proto_shop, to_proto
from generated.distribution.v1 import branch_pb2, cart_pb2, common_pb2, manufacturer_pb2, month_pb2, order_pb2
from nodekit.timestamps import to_timestamp

OPENED = datetime(2025, 5, 6, 9, tzinfo=UTC)


def test_every_wire_enum_value_maps_both_ways() -> None:
    pairs: list[tuple[Any, Mapping[Any, Any], Mapping[Any, Any], Any]] = [
        (common_pb2.MonthState, enums.MONTH_STATES, enums.WIRE_MONTH_STATES, MonthState),
        (common_pb2.Priority, enums.PRIORITIES, enums.WIRE_PRIORITIES, Priority),
        (cart_pb2.CartLineState, enums.CART_LINE_STATES, enums.WIRE_CART_LINE_STATES, CartLineState),
        (order_pb2.DropReason, enums.DROP_REASONS, enums.WIRE_DROP_REASONS, DropReason),
    ]
    for wire_enum, to_plain, to_wire, plain_enum in pairs:
        assert set(to_plain) == set(wire_enum.values())
        assert set(to_wire) == set(plain_enum)
        assert all(to_wire[plain] == wire for wire, plain in to_plain.items())
    # A sale always has a method: every one but UNSPECIFIED.
    assert set(enums.PAYMENT_METHODS) == set(branch_pb2.PaymentMethod.values()) - {0}
    assert set(enums.WIRE_PAYMENT_METHODS) == set(PaymentMethod)


def test_a_state_this_client_does_not_know_is_unspecified() -> None:
    assert enums.month_state(99) is MonthState.UNSPECIFIED
    assert enums.priority(99) is Priority.UNSPECIFIED


def test_a_month_status_arrives_with_every_field() -> None:
    status = month_pb2.MonthStatus(
        month=3,
        state=common_pb2.MONTH_STATE_CLOSED,
        stock_lines=[
            common_pb2.StockLine(stock_line_id=7, product="jam", offered=5, sold=5, unit_price_cents=300)
        ],
        order_count=2,
        revenue_cents=1500,
        skipped_manufacturers=["Borealis"],
        finished_shoppers=1,
        unmet_demand=4,
        opened_at=to_timestamp(OPENED),
        manufacturer_results=[
            month_pb2.ManufacturerResult(
                manufacturer_name="Acme",
                results=[
                    common_pb2.ProductResult(
                        product="jam", offered=5, sold=5, revenue_cents=1500, unmet_demand=4
                    )
                ],
                recommendations=[
                    common_pb2.ProductionRecommendation(
                        product="jam",
                        daily_demand_milli=1500,
                        recommended_quantity=9,
                        priority=common_pb2.PRIORITY_A,
                    )
                ],
            )
        ],
        close_reason="sold out",
        shopper_names=["ann"],
        paused_ms=250,
        recommendation_horizon_days=30,
        recommendation_window=[1, 2, 3],
    )
    plain = from_proto.month_status(status)
    assert (plain.month, plain.state, plain.order_count, plain.revenue_cents) == (
        3,
        MonthState.CLOSED,
        2,
        1500,
    )
    assert plain.opened_at == OPENED and plain.closed_at is None and plain.closes_at is None
    (line,) = plain.stock_lines
    assert (line.stock_line_id, line.month, line.product, line.available) == (7, 3, "jam", 0)
    (acme,) = plain.manufacturer_results
    assert acme.products == (ProductOutcome("jam", 5, 5, 1500, 0, 4),)
    assert [(a.product, a.daily_demand_milli, a.recommended_quantity, a.priority) for a in acme.advice] == [
        ("jam", 1500, 9, Priority.A)
    ]
    assert (plain.close_reason, plain.shopper_names, plain.paused_ms) == ("sold out", ("ann",), 250)
    assert (plain.recommendation_horizon_days, plain.recommendation_window) == (30, (1, 2, 3))


def test_a_sale_goes_out_with_every_field() -> None:
    sale = Sale("t-9", 4, OPENED, "2025-05-06", (SaleItem("jam", 2, 400),), 800, 104, 904, "debit", "Ann")
    wire = to_proto.sale(sale)
    assert (wire.transaction_id, wire.sequence, wire.business_day) == ("t-9", 4, "2025-05-06")
    assert wire.occurred_at == to_timestamp(OPENED)
    assert [(i.product, i.quantity, i.unit_price_cents) for i in wire.items] == [("jam", 2, 400)]
    assert (wire.subtotal_cents, wire.tax_cents, wire.total_cents) == (800, 104, 904)
    assert (wire.payment_method, wire.customer_name) == (branch_pb2.PAYMENT_METHOD_DEBIT, "Ann")


def test_notifications_arrive_as_depletions_or_reports() -> None:
    depletion = manufacturer_pb2.Notification(
        notification_id=1,
        depletion=manufacturer_pb2.Depletion(month=2, stock_line_id=7, product="jam", quantity_sold=5),
    )
    assert from_proto.notice(depletion) == DepletionNotice(2, 7, "jam", 5)
    report = manufacturer_pb2.Notification(
        notification_id=2,
        month_report=common_pb2.MonthReport(
            month=2,
            results=[common_pb2.ProductResult(product="tea", offered=3, sold=1, revenue_cents=150, unsold=2)],
        ),
    )
    assert from_proto.notice(report) == ReportNotice(2, (ProductOutcome("tea", 3, 1, 150, 2, 0),), ())


def test_a_cart_line_and_an_order_keep_their_states_and_reasons() -> None:
    line = cart_pb2.CartLine(
        reservation_id="r", stock_line_id=7, quantity=2, state=cart_pb2.CART_LINE_STATE_EXPIRED
    )
    assert from_proto_shop.cart_line(line).state is CartLineState.EXPIRED
    order = order_pb2.Order(
        order_id="o",
        dropped_lines=[
            order_pb2.DroppedLine(stock_line_id=7, requested=2, reason=order_pb2.DROP_REASON_MONTH_CLOSED)
        ],
    )
    (dropped,) = from_proto_shop.order(order).dropped_lines
    assert (dropped.requested, dropped.reason) == (2, DropReason.MONTH_CLOSED)
