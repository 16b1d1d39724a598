"""BranchService against the in-process central: dedup, resume, tenant checks, day-end reports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import cast

import grpc
import pytest

from central.api.branch import to_sale
from central.branches import SalesLedger
from central.branches.model import Sale
from central.branches.sales import WINDOW
from central.testing import RunningCentral, running_central
from generated.distribution.v1 import (
    branch_pb2,
    branch_pb2_grpc,
    customer_pb2,
    customer_pb2_grpc,
    report_pb2,
    report_pb2_grpc,
)
from nodekit.auth import bearer_metadata
from nodekit.timestamps import to_timestamp
from tests.helpers import fails, next_reply

NORTH, SOUTH = bearer_metadata("north-key"), bearer_metadata("south-key")
DAY = "2025-05-06"


@pytest.fixture
async def central() -> AsyncIterator[RunningCentral]:
    async with running_central(branch_keys={"north": "north-key", "south": "south-key"}) as rc:
        yield rc


def sale(sequence: int, tid: str | None = None, price: int = 1000) -> branch_pb2.StreamSalesRequest:
    return branch_pb2.StreamSalesRequest(
        sale=branch_pb2.SaleTransaction(
            transaction_id=tid or f"north-{sequence}",
            sequence=sequence,
            occurred_at=to_timestamp(datetime(2025, 5, 6, 10, tzinfo=UTC)),
            business_day=DAY,
            items=[branch_pb2.SaleItem(product="apple", quantity=1, unit_price_cents=price)],
            subtotal_cents=price,
            tax_cents=price * 13 // 100,
            total_cents=price + price * 13 // 100,
            payment_method=branch_pb2.PAYMENT_METHOD_CASH,
        )
    )


async def stream(
    rc: RunningCentral,
    messages: list[branch_pb2.StreamSalesRequest],
    metadata: tuple[tuple[str, str], ...] = NORTH,
) -> tuple[int, list[branch_pb2.SaleAck]]:
    """Sends ``messages`` on one stream; returns the resume point and the acks."""
    call = branch_pb2_grpc.BranchServiceStub(rc.channel).StreamSales(metadata=metadata, timeout=10)
    first = await next_reply(call)
    for message in messages:
        await call.write(message)
    await call.done_writing()
    acks: list[branch_pb2.SaleAck] = []
    while isinstance(reply := await call.read(), branch_pb2.StreamSalesResponse):
        acks.extend(reply.acks.acks)
    return first.resume.last_sequence, acks


async def revenue(rc: RunningCentral) -> list[report_pb2.BranchDay]:
    stub = report_pb2_grpc.ReportServiceStub(rc.channel)
    reply = await stub.GetBranchRevenue(
        report_pb2.GetBranchRevenueRequest(branch_name="north"), metadata=rc.operator_metadata, timeout=10
    )
    return list(reply.days)


async def test_each_sale_is_acked_after_commit_and_a_resent_one_counts_once(central: RunningCentral) -> None:
    resume, acks = await stream(central, [sale(1), sale(2), sale(2), sale(3)])
    assert resume == 0
    assert [(a.sequence, a.duplicate) for a in acks] == [(1, False), (2, False), (2, True), (3, False)]
    # A reconnect is told where to resume; resending what was committed changes nothing.
    resume, acks = await stream(central, [sale(2), sale(3), sale(4)])
    assert resume == 3
    assert [(a.sequence, a.duplicate) for a in acks] == [(2, True), (3, True), (4, False)]
    (day,) = await revenue(central)
    assert (day.transaction_count, day.streamed_revenue_cents) == (4, 4 * 1130)


async def test_a_gap_or_a_reused_sequence_is_refused(central: RunningCentral) -> None:
    await stream(central, [sale(1)])
    for bad in (sale(3), sale(1, tid="other-id")):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stream(central, [bad])
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_many_sales_in_flight_are_all_committed_in_order(central: RunningCentral) -> None:
    _, acks = await stream(central, [sale(n) for n in range(1, 301)])
    assert [a.sequence for a in acks] == list(range(1, 301))
    (day,) = await revenue(central)
    assert day.transaction_count == 300


async def test_sales_read_while_the_writer_is_busy_share_one_commit_and_one_message(
    central: RunningCentral,
) -> None:
    async def arriving_at_once() -> AsyncIterator[Sale]:
        for n in range(1, 301):
            yield to_sale(sale(n).sale)

    ledger = SalesLedger(central.central.engine, central.central.writer, central.central.clock)
    events = [event async for event in ledger.stream(1, arriving_at_once())]
    # The window (256) fills before the writer runs: one run, then the rest as the next.
    assert events[0] == 0
    batches = cast(list[list[branch_pb2.SaleAck]], events[1:])
    assert [len(acks) for acks in batches] == [WINDOW, 300 - WINDOW]
    assert [ack.sequence for acks in batches for ack in acks] == list(range(1, 301))


async def test_a_used_transaction_id_is_refused_and_the_sales_before_it_are_kept(
    central: RunningCentral,
) -> None:
    # The third reuses the first's id. Sent back to back, the sales usually share one run
    # (then its savepoint undoes the run and one by one finds the culprit); either way:
    refused = await fails(stream(central, [sale(1), sale(2), sale(3, tid="north-1"), sale(4)]))
    assert (refused.code, refused.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "TRANSACTION_ID_REUSED")
    resume, acks = await stream(central, [sale(3), sale(4)])
    assert resume == 2
    assert [(a.sequence, a.duplicate) for a in acks] == [(3, False), (4, False)]
    (day,) = await revenue(central)
    assert day.transaction_count == 4


async def test_an_unknown_key_is_unauthenticated(central: RunningCentral) -> None:
    stub = branch_pb2_grpc.BranchServiceStub(central.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SubmitDailyReport(
            branch_pb2.SubmitDailyReportRequest(branch_name="north", business_day=DAY),
            metadata=bearer_metadata("nope"),
            timeout=10,
        )
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stream(central, [sale(1)], metadata=bearer_metadata("nope"))
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_a_branch_may_not_act_for_another_and_customers_may_not_act_at_all(
    central: RunningCentral,
) -> None:
    stub = branch_pb2_grpc.BranchServiceStub(central.channel)
    for call in (
        stub.SubmitDailyReport(
            branch_pb2.SubmitDailyReportRequest(branch_name="north", business_day=DAY),
            metadata=SOUTH,
            timeout=10,
        ),
        stub.ReportInventory(
            branch_pb2.ReportInventoryRequest(branch_name="north"), metadata=SOUTH, timeout=10
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    customer = await customer_pb2_grpc.CustomerServiceStub(central.channel).RegisterCustomer(
        customer_pb2.RegisterCustomerRequest(name="Zoe"), timeout=10
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stream(central, [sale(1)], metadata=bearer_metadata(customer.token))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_one_report_per_branch_and_day(central: RunningCentral) -> None:
    await stream(central, [sale(1), sale(2)])
    stub = branch_pb2_grpc.BranchServiceStub(central.channel)
    report = branch_pb2.SubmitDailyReportRequest(
        branch_name="north", business_day=DAY, revenue_cents=2260, loss_cents=300, transaction_count=2
    )
    first = await stub.SubmitDailyReport(report, metadata=NORTH, timeout=10)
    again = await stub.SubmitDailyReport(report, metadata=NORTH, timeout=10)
    assert (first.created, first.flagged, first.streamed_revenue_cents) == (True, False, 2260)
    assert (again.created, again.flagged) == (False, False)
    report.revenue_cents = 9999
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SubmitDailyReport(report, metadata=NORTH, timeout=10)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    (day,) = await revenue(central)
    assert (day.revenue_cents, day.loss_cents, day.streamed_revenue_cents, day.flagged) == (
        2260,
        300,
        2260,
        False,
    )


async def test_a_report_that_disagrees_with_the_stream_is_flagged(central: RunningCentral) -> None:
    await stream(central, [sale(1)])
    stub = branch_pb2_grpc.BranchServiceStub(central.channel)
    answer = await stub.SubmitDailyReport(
        branch_pb2.SubmitDailyReportRequest(
            branch_name="north", business_day=DAY, revenue_cents=5000, transaction_count=1
        ),
        metadata=NORTH,
        timeout=10,
    )
    assert (answer.created, answer.flagged, answer.streamed_revenue_cents) == (True, True, 1130)
    (day,) = await revenue(central)
    assert day.flagged


async def test_operator_reports_cover_inventory_alerts_and_top_products(central: RunningCentral) -> None:
    await stream(central, [sale(1), sale(2, price=500)])
    stub = branch_pb2_grpc.BranchServiceStub(central.channel)
    raised = to_timestamp(datetime(2025, 5, 6, 11, tzinfo=UTC))
    await stub.ReportInventory(
        branch_pb2.ReportInventoryRequest(
            branch_name="north",
            items=[
                branch_pb2.InventoryItem(product="apple", quantity=4, unit_cost_cents=100, reorder_point=5),
                branch_pb2.InventoryItem(product="pear", quantity=10, unit_cost_cents=50, reorder_point=5),
            ],
            open_alerts=[
                branch_pb2.LowStockAlert(product="apple", quantity=4, reorder_point=5, raised_at=raised)
            ],
        ),
        metadata=NORTH,
        timeout=10,
    )
    reports = report_pb2_grpc.ReportServiceStub(central.channel)
    auth = central.operator_metadata
    value, top, alerts = await asyncio.gather(
        reports.GetInventoryValue(report_pb2.GetInventoryValueRequest(), metadata=auth, timeout=10),
        reports.ListTopProducts(report_pb2.ListTopProductsRequest(), metadata=auth, timeout=10),
        reports.ListLowStockAlerts(report_pb2.ListLowStockAlertsRequest(), metadata=auth, timeout=10),
    )
    assert [(b.branch_name, b.value_cents, b.units) for b in value.branches] == [
        ("north", 900, 14),
        ("south", 0, 0),
    ]
    assert [(p.product, p.units, p.revenue_cents) for p in top.products] == [("apple", 2, 1500)]
    assert [(a.branch_name, a.alert.product, a.alert.quantity) for a in alerts.alerts] == [
        ("north", "apple", 4)
    ]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await reports.ListTopProducts(report_pb2.ListTopProductsRequest(), metadata=NORTH, timeout=10)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
