"""A customer's whole visit through the real stubs: register, browse, watch, cart, checkout, history."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc

from central.testing import RunningCentral, running_central
from generated.distribution.v1 import (
    cart_pb2,
    catalog_pb2,
    common_pb2,
    customer_pb2,
    month_pb2,
    order_pb2,
)
from tests.helpers import (
    Stubs,
    add,
    assert_eventually,
    checkout,
    fails,
    next_reply,
    open_month_with,
    register,
    status,
)


async def test_register_list_add_remove_checkout_history(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 50, "nuts": 10})
    ann = await register(stubs, "ann")

    listed = await stubs.catalog.ListStockLines(catalog_pb2.ListStockLinesRequest(), metadata=ann, timeout=5)
    assert [(line.product, line.available, line.manufacturer_name) for line in listed.stock_lines] == [
        ("bolts", 50, "Acme"),
        ("nuts", 10, "Acme"),
    ]
    only_nuts = await stubs.catalog.ListStockLines(
        catalog_pb2.ListStockLinesRequest(product="nuts"), metadata=ann, timeout=5
    )
    assert [line.product for line in only_nuts.stock_lines] == ["nuts"]

    await add(stubs, ann, lines["bolts"], 3)
    await add(stubs, ann, lines["nuts"], 10)
    cart = await stubs.cart.GetCart(cart_pb2.GetCartRequest(), metadata=ann, timeout=5)
    assert [(line.product, line.quantity, line.state) for line in cart.lines] == [
        ("bolts", 3, cart_pb2.CART_LINE_STATE_RESERVED),
        ("nuts", 10, cart_pb2.CART_LINE_STATE_RESERVED),
    ]
    assert cart.total_cents == 13 * 250

    # nuts are all reserved, so they leave the catalog.
    listed = await stubs.catalog.ListStockLines(catalog_pb2.ListStockLinesRequest(), metadata=ann, timeout=5)
    assert [line.product for line in listed.stock_lines] == ["bolts"]

    removed = await stubs.cart.RemoveCartItem(
        cart_pb2.RemoveCartItemRequest(stock_line_id=lines["nuts"]), metadata=ann, timeout=5
    )
    assert removed.released_quantity == 10

    done = await checkout(stubs, ann, "first-order-key")
    assert not done.replayed
    assert [(line.product, line.quantity) for line in done.order.lines] == [("bolts", 3)]
    assert done.order.total_cents == 750
    assert done.order.card_last4 == "4242"

    await add(stubs, ann, lines["nuts"], 2)
    second = await checkout(stubs, ann, "second-order-key")
    history = await stubs.orders.ListOrders(order_pb2.ListOrdersRequest(), metadata=ann, timeout=5)
    assert [order.order_id for order in history.orders] == [
        second.order.order_id,
        done.order.order_id,
    ]

    month = await status(rc, stubs)
    counters = {line.product: (line.offered, line.reserved, line.sold) for line in month.stock_lines}
    assert counters == {"bolts": (50, 0, 3), "nuts": (10, 0, 2)}
    assert month.order_count == 2
    assert month.revenue_cents == 5 * 250


async def test_customer_sees_only_own_cart_and_orders(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 5})
    ann, bob = await register(stubs, "ann"), await register(stubs, "bob")
    await add(stubs, ann, lines["bolts"], 2)
    await checkout(stubs, ann, "ann-order-key")
    bob_cart = await stubs.cart.GetCart(cart_pb2.GetCartRequest(), metadata=bob, timeout=5)
    bob_orders = await stubs.orders.ListOrders(order_pb2.ListOrdersRequest(), metadata=bob, timeout=5)
    assert list(bob_cart.lines) == []
    assert list(bob_orders.orders) == []


async def test_watch_sends_snapshot_then_changes(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 5, "nuts": 5})
    ann = await register(stubs, "ann")
    call = stubs.catalog.WatchCatalog(catalog_pb2.WatchCatalogRequest(), metadata=ann, timeout=10)
    try:
        first = await next_reply(call)
        assert first.snapshot
        assert {line.product: line.available for line in first.stock_lines} == {
            "bolts": 5,
            "nuts": 5,
        }
        await add(stubs, ann, lines["bolts"], 5)
        change = await next_reply(call)
        assert not change.snapshot
        assert [(line.product, line.available) for line in change.stock_lines] == [("bolts", 0)]
    finally:
        call.cancel()


async def test_replayed_checkout_returns_same_order_and_sells_once(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 10})
    ann = await register(stubs, "ann")
    await add(stubs, ann, lines["bolts"], 4)
    first = await checkout(stubs, ann, "replay-key-1")
    again = await checkout(stubs, ann, "replay-key-1")
    assert again.replayed
    assert again.order == first.order
    month = await status(rc, stubs)
    assert [(line.sold, line.reserved) for line in month.stock_lines] == [(4, 0)]
    assert month.order_count == 1

    # The same key with another cart is refused and changes nothing.
    await add(stubs, ann, lines["bolts"], 1)
    error = await fails(checkout(stubs, ann, "replay-key-1"))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "IDEMPOTENCY_KEY_REUSED"
    month = await status(rc, stubs)
    assert [(line.sold, line.reserved) for line in month.stock_lines] == [(4, 1)]


async def test_concurrent_replays_of_one_key_make_one_order(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 10})
    ann = await register(stubs, "ann")
    await add(stubs, ann, lines["bolts"], 2)
    replies = await asyncio.gather(*(checkout(stubs, ann, "same-key-many") for _ in range(8)))
    assert len({reply.order.order_id for reply in replies}) == 1
    assert sum(not reply.replayed for reply in replies) == 1
    month = await status(rc, stubs)
    assert [line.sold for line in month.stock_lines] == [2]


async def test_expired_line_is_dropped_and_reported_when_gone(tmp_path: Path) -> None:
    async with running_central(tmp_path / "c.sqlite3", reservation_ttl_s=0.2, sweep_interval_s=0.05) as rc:
        stubs = Stubs.on(rc.channel)
        lines = await open_month_with(rc, stubs, {"bolts": 3, "nuts": 5})
        ann, bob = await register(stubs, "ann"), await register(stubs, "bob")
        await add(stubs, ann, lines["bolts"], 3)
        await add(stubs, ann, lines["nuts"], 1)

        async def ann_expired() -> None:
            cart = await stubs.cart.GetCart(cart_pb2.GetCartRequest(), metadata=ann, timeout=5)
            assert {line.state for line in cart.lines} == {cart_pb2.CART_LINE_STATE_EXPIRED}
            month = await status(rc, stubs)
            assert all(line.reserved == 0 for line in month.stock_lines)

        await assert_eventually(ann_expired)
        # Bob takes the bolts while Ann's hold has lapsed; her nuts can still be retaken.
        await stubs.cart.AddCartItem(
            cart_pb2.AddCartItemRequest(stock_line_id=lines["bolts"], quantity=2),
            metadata=bob,
            timeout=5,
        )
        done = await checkout(stubs, ann, "ann-late-checkout")
        assert [(line.product, line.quantity) for line in done.order.lines] == [("nuts", 1)]
        assert [(d.product, d.requested, d.available, d.reason) for d in done.order.dropped_lines] == [
            ("bolts", 3, 1, order_pb2.DROP_REASON_OUT_OF_STOCK)
        ]
        cart = await stubs.cart.GetCart(cart_pb2.GetCartRequest(), metadata=ann, timeout=5)
        assert list(cart.lines) == []
        month = await status(rc, stubs)
        assert {line.product: (line.reserved, line.sold) for line in month.stock_lines} == {
            "bolts": (2, 0),
            "nuts": (0, 1),
        }
        assert month.unmet_demand == 3


async def test_close_releases_reservations_and_reports_results(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 10, "nuts": 4})
    ann, bob = await register(stubs, "ann"), await register(stubs, "bob")
    await add(stubs, ann, lines["bolts"], 6)
    await checkout(stubs, ann, "ann-checkout-1")
    await add(stubs, bob, lines["nuts"], 4)
    await fails(add(stubs, bob, lines["nuts"], 2))  # unmet: 2
    closed = await stubs.months.CloseMonth(
        month_pb2.CloseMonthRequest(month=1), metadata=rc.operator_metadata, timeout=5
    )
    result = closed.status
    assert result.state == common_pb2.MONTH_STATE_CLOSED
    assert result.close_reason == "operator"
    assert all(line.reserved == 0 for line in result.stock_lines)
    (maker,) = result.manufacturer_results
    assert {r.product: (r.sold, r.revenue_cents, r.unsold, r.unmet_demand) for r in maker.results} == {
        "bolts": (6, 1500, 4, 0),
        "nuts": (0, 0, 4, 2),
    }
    error = await fails(checkout(stubs, bob, "bob-after-close"))
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "MONTH_NOT_OPEN"


async def test_month_closes_by_itself_when_all_shoppers_are_done(rc: RunningCentral, stubs: Stubs) -> None:
    opened = await stubs.months.OpenMonth(
        month_pb2.OpenMonthRequest(offer_deadline_ms=1, expected_shoppers=2),
        metadata=rc.operator_metadata,
        timeout=5,
    )
    ann, bob = await register(stubs, "ann"), await register(stubs, "bob")
    for who in (ann, bob):
        await stubs.customers.FinishShopping(
            customer_pb2.FinishShoppingRequest(month=opened.month),
            metadata=who,
            timeout=5,
        )

    async def closed() -> None:
        month = await status(rc, stubs)
        assert month.state == common_pb2.MONTH_STATE_CLOSED
        assert month.close_reason == "shoppers_done"

    await assert_eventually(closed)


async def test_month_closes_when_sold_out(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 2})
    ann = await register(stubs, "ann")
    await add(stubs, ann, lines["bolts"], 2)
    await checkout(stubs, ann, "sell-everything")

    async def closed() -> None:
        month = await status(rc, stubs)
        assert (month.state, month.close_reason) == (common_pb2.MONTH_STATE_CLOSED, "sold_out")

    await assert_eventually(closed)


async def test_the_month_status_names_who_shopped(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"jam": 10})
    visitor, idle = await register(stubs, "visitor"), await register(stubs, "idle")
    assert idle
    await add(stubs, visitor, lines["jam"], 1)
    month = await status(rc, stubs)
    # Who put something in a cart; the dashboard tells people from the simulated cast by them.
    assert list(month.shopper_names) == ["visitor"]


async def test_removing_one_reservation_leaves_the_others_of_the_line(
    rc: RunningCentral, stubs: Stubs
) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 50})
    ann = await register(stubs, "ann")
    first = (await add(stubs, ann, lines["bolts"], 2)).line
    second = (await add(stubs, ann, lines["bolts"], 5)).line
    removed = await stubs.cart.RemoveCartItem(
        cart_pb2.RemoveCartItemRequest(stock_line_id=lines["bolts"], reservation_id=first.reservation_id),
        metadata=ann,
        timeout=5,
    )
    assert removed.released_quantity == 2
    cart = await stubs.cart.GetCart(cart_pb2.GetCartRequest(), metadata=ann, timeout=5)
    assert [(line.reservation_id, line.quantity) for line in cart.lines] == [(second.reservation_id, 5)]
    month = await status(rc, stubs)
    assert [(line.offered, line.reserved) for line in month.stock_lines] == [(50, 5)]

    again = await fails(
        stubs.cart.RemoveCartItem(
            cart_pb2.RemoveCartItemRequest(stock_line_id=lines["bolts"], reservation_id=first.reservation_id),
            metadata=ann,
            timeout=5,
        )
    )
    assert again.code == grpc.StatusCode.NOT_FOUND and again.reason == "NOT_IN_CART"
    bob = await register(stubs, "bob")
    others = await fails(
        stubs.cart.RemoveCartItem(
            cart_pb2.RemoveCartItemRequest(
                stock_line_id=lines["bolts"], reservation_id=second.reservation_id
            ),
            metadata=bob,
            timeout=5,
        )
    )
    assert others.code == grpc.StatusCode.NOT_FOUND  # another's reservation is not in your cart
