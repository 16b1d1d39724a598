"""A reorder turned away (between months, or refused) holds back neither the day reports nor the inventory."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from branch_node import business_days, low_stock
from branch_node.headquarters import RemoteError
from branch_node.reorder import reorder_key
from central.testing import RunningCentral
from generated.distribution.v1 import month_pb2, month_pb2_grpc, report_pb2, report_pb2_grpc
from nodekit.timestamps import utcnow
from tests.branch_helpers import add_alert_in_checkout, stocked_branch


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
