"""Low stock: reorders while low, one at a time, through cart and checkout; nothing lost in a crash."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from branch_node import low_stock, stock
from branch_node.headquarters import Headquarters
from branch_node.node import start_branch
from branch_node.reorder import reorder_key
from branch_node.storage.schema import alerts, stock_movements
from branch_node.storage.store import open_store
from branch_node.till import Till, sell
from central.testing import RunningCentral, running_central
from generated.distribution.v1 import order_pb2, order_pb2_grpc, report_pb2, report_pb2_grpc
from nodekit.auth import bearer_metadata
from nodekit.timestamps import utcnow
from tests.branch_helpers import (
    add_alert_in_checkout,
    assert_eventually,
    branch_settings,
    open_month_with_stock,
    stocked_branch,
)


async def test_crossing_the_reorder_point_yields_exactly_one_reorder(tmp_path: Path) -> None:
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        await open_month_with_stock(rc.channel, rc.operator_token, {"apple": (100, 100)})
        branch = await start_branch(branch_settings(rc.address, tmp_path / "north.sqlite3"))
        try:

            async def shelf(quantity: int) -> bool:
                return (await branch.store.read(stock.shelves)).get("apple", None) is not None and (
                    await branch.store.read(stock.shelves)
                )["apple"].quantity == quantity

            # A new product starts empty: its stocking reorder brings the reorder quantity.
            await assert_eventually(lambda: shelf(10), 15, "first stock of apple")
            day = "2025-06-01"
            for _ in range(6):  # 10 -> 8 -> 6 -> 4 -> 2 (crossed) -> 0 -> lost sale
                till = Till(utcnow(), day, "ON", "cash", "")
                await branch.store.write(partial(sell, basket=[("apple", 2)], till=till))
            branch.office.wake()
            await assert_eventually(lambda: shelf(10), 15, "apple restocked after the crossing")
            await branch.office.tick()  # another pass finds nothing to reorder

            orders = await order_pb2_grpc.OrderServiceStub(rc.channel).ListOrders(
                order_pb2.ListOrdersRequest(), timeout=10, metadata=bearer_metadata(branch.hq.customer_token)
            )
            raised = await branch.store.read(
                lambda c: c.execute(select(func.count()).select_from(alerts)).scalar_one()
            )
            stock_ins = await branch.store.read(
                lambda c: c.execute(
                    select(func.count())
                    .select_from(stock_movements)
                    .where(stock_movements.c.kind == "stock_in")
                ).scalar_one()
            )
            assert (len(orders.orders), raised, stock_ins, branch.office.orders) == (2, 2, 2, 2)
            assert sorted(o.idempotency_key for o in orders.orders) == [
                "reorder:north:1:1",
                "reorder:north:2:1",
            ]
            assert [sum(line.quantity for line in o.lines) for o in orders.orders] == [10, 10]

            # The central sees the inventory and no open alert once goods arrived.
            reports = report_pb2_grpc.ReportServiceStub(rc.channel)

            async def reported() -> bool:
                value = await reports.GetInventoryValue(
                    report_pb2.GetInventoryValueRequest(), metadata=rc.operator_metadata, timeout=10
                )
                alerts_now = await reports.ListLowStockAlerts(
                    report_pb2.ListLowStockAlertsRequest(), metadata=rc.operator_metadata, timeout=10
                )
                return [(b.units, b.value_cents) for b in value.branches] == [(10, 1000)] and (
                    not alerts_now.alerts
                )

            await assert_eventually(reported, 15, "inventory reported to the central")
        finally:
            await branch.stop()


async def test_a_reorder_retried_after_a_crash_reuses_its_key_and_buys_once(tmp_path: Path) -> None:
    async with stocked_branch(tmp_path) as (rc, branch):
        # The crash: an alert whose checkout went through, but the branch died before booking it.
        alert_id = await add_alert_in_checkout(branch)
        (alert,) = await branch.store.read(low_stock.open_alerts)
        hq = branch.hq
        offer = (await hq.offers("apple"))[0]
        await hq.reserve(offer.stock_line_id, 10)
        first = await hq.checkout(reorder_key("north", alert))
        assert not first.replayed
        # After the restart the office retries the same key: the central replays the order.
        await branch.office.tick()
        orders = await order_pb2_grpc.OrderServiceStub(rc.channel).ListOrders(
            order_pb2.ListOrdersRequest(), metadata=bearer_metadata(hq.customer_token), timeout=10
        )
        assert len(orders.orders) == 2  # the stocking order and this one, not a third
        assert (await branch.store.read(stock.shelves))["apple"].quantity == 20
        assert await branch.store.read(low_stock.open_alerts) == []
        assert alert.alert_id == alert_id


async def _units_ordered(rc: RunningCentral, token: str) -> dict[str, int]:
    """Units per product in every order of the branch's customer account, read at the central."""
    orders = await order_pb2_grpc.OrderServiceStub(rc.channel).ListOrders(
        order_pb2.ListOrdersRequest(), metadata=bearer_metadata(token), timeout=10
    )
    units: dict[str, int] = {}
    for order in orders.orders:
        for line in order.lines:
            units[line.product] = units.get(line.product, 0) + line.quantity
    return units


def _units_stocked_in(connection: Connection) -> dict[str, int]:
    rows = connection.execute(
        select(stock_movements.c.product, func.sum(stock_movements.c.quantity))
        .where(stock_movements.c.kind == "stock_in")
        .group_by(stock_movements.c.product)
    ).all()
    return {product: int(units) for product, units in rows}


async def test_a_partly_filled_reorder_is_followed_by_another_once_stock_is_offered(tmp_path: Path) -> None:
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        await open_month_with_stock(rc.channel, rc.operator_token, {"apple": (10, 100)})
        settings = branch_settings(
            rc.address, tmp_path / "north.sqlite3", reorder_point=15, reorder_quantity=20
        )
        branch = await start_branch(settings)
        try:

            async def shelf_and_alerts() -> tuple[int, list[str]]:
                held = (await branch.store.read(stock.shelves)).get("apple")
                pending = await branch.store.read(low_stock.open_alerts)
                return (held.quantity if held else -1), [a.state for a in pending]

            async def partly_filled() -> bool:
                # The central had 10 of the 20 asked: the shelf is still at or below its point.
                return await shelf_and_alerts() == (10, ["open"])

            await assert_eventually(partly_filled, 15, "the first reorder filled in part, another open")
            # Selling out closed the month; in the next one another maker offers plenty.
            await open_month_with_stock(rc.channel, rc.operator_token, {"apple": (1000, 120)}, "bolt")

            async def refilled() -> bool:
                return await shelf_and_alerts() == (30, [])

            await assert_eventually(refilled, 15, "the open alert bought from the new offer")
            assert await _units_ordered(rc, branch.hq.customer_token) == {"apple": 30}
            assert await branch.store.read(_units_stocked_in) == {"apple": 30}
        finally:
            await branch.stop()


@pytest.mark.parametrize("marked", [False, True], ids=["alert-still-open", "alert-in-checkout"])
async def test_units_left_in_the_cart_by_a_crash_are_settled_first_and_every_unit_bought_is_booked(
    tmp_path: Path, marked: bool
) -> None:
    db = tmp_path / "north.sqlite3"
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        await open_month_with_stock(rc.channel, rc.operator_token, {"apple": (100, 100), "pear": (100, 100)})
        branch = await start_branch(branch_settings(rc.address, db))

        async def stocked() -> bool:
            shelves = await branch.store.read(stock.shelves)
            pending = await branch.store.read(low_stock.open_alerts)
            return len(shelves) == 2 and not pending and all(s.quantity == 10 for s in shelves.values())

        await assert_eventually(stocked, 15, "first stock of apple and pear")
        token = branch.hq.customer_token
        await branch.stop()

        # The crash: apple then pear sold down (their alerts raised in that order), then the
        # branch reserved 7 pears for the pear alert and died before checking them out.
        store = await open_store(db)
        day = "2025-06-01"
        for product in ("apple", "pear"):
            till = Till(utcnow(), day, "ON", "cash", "")
            await store.write(partial(sell, basket=[(product, 8)], till=till))
        if marked:
            await store.write(
                lambda c: c.execute(
                    update(alerts)
                    .where(alerts.c.product == "pear", alerts.c.state == "open")
                    .values(state="checkout")
                )
            )
        await store.close()
        hq = Headquarters(rc.channel, "north-key")
        hq.customer_token = token
        (pear,) = await hq.offers("pear")
        await hq.reserve(pear.stock_line_id, 7)

        branch = await start_branch(branch_settings(rc.address, db))
        try:

            async def settled() -> bool:
                return not await branch.store.read(low_stock.open_alerts) and not await hq.cart()

            await assert_eventually(settled, 15, "both alerts received and the cart empty")
            ordered = await _units_ordered(rc, token)
            assert await branch.store.read(_units_stocked_in) == ordered
            shelves = await branch.store.read(stock.shelves)
            # The 7 pears were bought for the alert that reserved them, or given back if no
            # alert stood for them; either way every unit bought is on the shelf.
            assert shelves["apple"].quantity == 12
            assert shelves["pear"].quantity == (9 if marked else 12)
            assert ordered == {"apple": 20, "pear": 17 if marked else 20}
        finally:
            await branch.stop()
