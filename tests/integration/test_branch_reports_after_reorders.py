"""A reorder turned away (between months, or refused) holds back neither the day reports nor the inventory."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import insert

from branch_node import business_days, low_stock, stock
from branch_node.headquarters import RemoteError
from branch_node.node import Branch, start_branch
from branch_node.reorder import reorder_key
from branch_node.storage.schema import alerts
from central.testing import RunningCentral, running_central
from generated.distribution.v1 import month_pb2, month_pb2_grpc, report_pb2, report_pb2_grpc
from nodekit.timestamps import utcnow
from tests.branch_helpers import assert_eventually, branch_settings, open_month_with_stock


@contextlib.asynccontextmanager
async def stocked_branch(tmp_path: Path) -> AsyncIterator[tuple[RunningCentral, Branch]]:
    """A central with a month of apples, and branch north once its first apples are on the shelf."""
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        await open_month_with_stock(rc.channel, rc.operator_token, {"apple": (100, 100)})
        branch = await start_branch(branch_settings(rc.address, tmp_path / "north.sqlite3"))
        try:

            async def stocked() -> bool:
                shelves = await branch.store.read(stock.shelves)
                return "apple" in shelves and not await branch.store.read(low_stock.open_alerts)

            await assert_eventually(stocked, 15, "first stock of apple")
            yield rc, branch
        finally:
            await branch.stop()


async def add_alert_in_checkout(branch: Branch) -> None:
    """A reorder of 2 apples caught between its reservation and its checkout."""
    row = {
        "product": "apple",
        "quantity": 2,
        "reorder_point": 3,
        "raised_at": utcnow(),
        "state": "checkout",
        "attempt": 1,
        "order_id": "",
        "received": 0,
    }
    await branch.store.write(lambda c: c.execute(insert(alerts).values(**row)))


async def reported_days(rc: RunningCentral) -> list[str]:
    """The business days the central holds reports of."""
    days = await report_pb2_grpc.ReportServiceStub(rc.channel).GetBranchRevenue(
        report_pb2.GetBranchRevenueRequest(), metadata=rc.operator_metadata, timeout=10
    )
    return [day.business_day for day in days.days]


async def test_a_checkout_between_months_leaves_the_days_and_the_inventory_reported(tmp_path: Path) -> None:
    async with stocked_branch(tmp_path) as (rc, branch):
        await month_pb2_grpc.MonthServiceStub(rc.channel).CloseMonth(
            month_pb2.CloseMonthRequest(month=1), metadata=rc.operator_metadata, timeout=10
        )
        # A reorder caught by the month's close, and a business day closed meanwhile.
        await add_alert_in_checkout(branch)
        closed = await branch.store.write(lambda c: business_days.close_day(c, utcnow().date()))

        await branch.office.tick()  # the central answers the checkout MONTH_NOT_OPEN

        assert await branch.store.read(business_days.unsubmitted_days) == []
        (waiting,) = await branch.store.read(low_stock.open_alerts)
        # It keeps its key: the next month's pass checks out under it first.
        assert (waiting.state, waiting.attempt) == ("checkout", 1)
        assert await reported_days(rc) == [closed.business_day]


async def test_a_failed_reorder_does_not_hold_back_the_day_report(tmp_path: Path) -> None:
    async with stocked_branch(tmp_path) as (rc, branch):
        # Only this test's ticks from here on.
        office = branch.tasks[1]
        office.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await office
        # A checkout the central refuses: the alert's key already made an order of another cart.
        await add_alert_in_checkout(branch)
        (alert,) = await branch.store.read(low_stock.open_alerts)
        (offer,) = await branch.hq.offers("apple")
        await branch.hq.reserve(offer.stock_line_id, 1)
        await branch.hq.checkout(reorder_key("north", alert))
        await branch.hq.reserve(offer.stock_line_id, 2)
        closed = await branch.store.write(lambda c: business_days.close_day(c, utcnow().date()))

        with pytest.raises(RemoteError) as refused:
            await branch.office.tick()

        assert refused.value.reason == "IDEMPOTENCY_KEY_REUSED"
        assert await branch.store.read(business_days.unsubmitted_days) == []
        assert await reported_days(rc) == [closed.business_day]
