"""Low stock: one reorder per crossing, bought through cart and checkout, idempotent across a crash."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, insert, select

from branch_node import low_stock, stock
from branch_node.node import start_branch
from branch_node.reorder import reorder_key
from branch_node.storage.schema import alerts, stock_movements
from branch_node.till import Till, sell
from central.testing import running_central
from generated.distribution.v1 import order_pb2, order_pb2_grpc, report_pb2, report_pb2_grpc
from nodekit.auth import bearer_metadata
from nodekit.timestamps import utcnow
from tests.branch_helpers import assert_eventually, branch_settings, open_month_with_stock


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
                await branch.store.write(lambda c, t=till: sell(c, [("apple", 2)], t))
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
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        await open_month_with_stock(rc.channel, rc.operator_token, {"apple": (100, 100)})
        branch = await start_branch(branch_settings(rc.address, tmp_path / "north.sqlite3"))
        try:

            async def stocked() -> bool:
                return (await branch.store.read(stock.shelves)).get("apple") is not None and not (
                    await branch.store.read(low_stock.open_alerts)
                )

            await assert_eventually(stocked, 15, "first stock of apple")
            # The crash: an alert whose checkout went through, but the branch died before booking it.
            alert_id = await branch.store.write(
                lambda c: int(
                    c.execute(
                        insert(alerts).values(
                            product="apple",
                            quantity=2,
                            reorder_point=3,
                            raised_at=utcnow(),
                            state="checkout",
                            attempt=1,
                            order_id="",
                            received=0,
                        )
                    ).inserted_primary_key[0]
                )
            )
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
        finally:
            await branch.stop()
