"""Hostile input to the real central: a plain INVALID_ARGUMENT, one log line, nothing changed."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from central.api.policy import POLICY
from central.testing import RunningCentral, running_central
from generated.distribution.v1 import (
    branch_pb2,
    branch_pb2_grpc,
    customer_pb2,
    report_pb2,
    report_pb2_grpc,
)
from nodekit.auth import Role, bearer_metadata
from nodekit.guard import PUBLIC
from nodekit.status import from_rpc_error
from tests.helpers import Stubs, fails, register

Md = tuple[tuple[str, str], ...]
NORTH = bearer_metadata("north-key-123")
ACME = bearer_metadata("acme-key-123")
DAY = "2025-05-06"
# Each RPC's shape: which grpc call carries raw bytes to it.
STREAMING_REQUESTS = {"Connect", "StreamSales"}
SERVER_STREAMS = {"WatchCatalog"}


@pytest.fixture
async def central() -> AsyncIterator[RunningCentral]:
    async with running_central(
        branch_keys={"north": "north-key-123"}, manufacturer_keys={"acme": "acme-key-123"}
    ) as rc:
        yield rc


def _counts(rc: RunningCentral) -> dict[str, int]:
    tables = ("customers", "branch_sales", "branch_sale_items", "branch_daily_reports", "branch_inventory")
    with sqlite3.connect(rc.db_path) as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}


def _refusals(caplog: pytest.LogCaptureFixture, reason: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if reason in record.getMessage()]


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def _metadata_for(rc: RunningCentral, customer: Md, roles: frozenset[Role]) -> Md:
    if roles == PUBLIC:
        return ()
    if Role.OPERATOR in roles:
        return rc.operator_metadata
    if Role.CUSTOMER in roles:
        return customer
    return NORTH if Role.BRANCH in roles else ACME


async def _send_raw(channel: grpc.aio.Channel, method: str, data: bytes, metadata: Md) -> grpc.StatusCode:
    """Sends ``data`` as the request bytes of ``method``; returns the status it ends with."""
    name = method.rsplit("/", 1)[-1]
    try:
        if name in STREAMING_REQUESTS:
            call: Any = channel.stream_stream(method)(metadata=metadata, timeout=10)
            await call.write(data)
            while await call.read() is not grpc.aio.EOF:
                pass
        elif name in SERVER_STREAMS:
            watch: grpc.aio.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream(method)
            async for _ in watch(data, metadata=metadata, timeout=10):
                pass
        else:
            unary: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary(method)
            await unary(data, metadata=metadata, timeout=10)
    except grpc.aio.AioRpcError as error:
        remote = from_rpc_error(error)
        assert (remote.reason, remote.message) == (
            "MALFORMED_REQUEST",
            f"The request to {name} could not be decoded.",
        ), method
        return error.code()
    return grpc.StatusCode.OK


async def test_undecodable_bytes_to_every_rpc_are_invalid_argument(
    central: RunningCentral, caplog: pytest.LogCaptureFixture
) -> None:
    customer = await register(Stubs.on(central.channel), "raw-bytes")
    caplog.set_level(logging.INFO)
    before = _counts(central)
    codes = {}
    for method, roles in sorted(POLICY.items()):
        codes[method] = await _send_raw(
            central.channel, method, b"\xff\xff", _metadata_for(central, customer, roles)
        )
    assert len(codes) == 25  # every RPC of the policy, PauseMonth and ResumeMonth included
    assert set(codes.values()) == {grpc.StatusCode.INVALID_ARGUMENT}
    # The public RPC needs no token to be told so.
    assert POLICY["/distribution.v1.CustomerService/RegisterCustomer"] == PUBLIC
    assert _counts(central) == before
    assert len(_refusals(caplog, "MALFORMED_REQUEST")) == 25
    _no_tracebacks(caplog)


@pytest.mark.parametrize(
    "digits",
    [
        "\u00b2" * 16,  # superscript two
        "\uff14\uff12\uff14\uff12" * 4,  # full-width 4242
        "\u0664\u0662\u0664\u0662" * 4,  # Arabic-Indic 4242
        "4242 4242 4242 424\u0662",  # one Arabic-Indic digit among ASCII ones
    ],
)
async def test_only_ascii_digits_are_card_digits(
    central: RunningCentral, caplog: pytest.LogCaptureFixture, digits: str
) -> None:
    stubs = Stubs.on(central.channel)
    ann = await register(stubs, "ann")
    caplog.set_level(logging.INFO)
    before = _counts(central)
    card = customer_pb2.PaymentCard(number=digits, expiry_month=12, expiry_year=2031)
    registering = await fails(
        stubs.customers.RegisterCustomer(
            customer_pb2.RegisterCustomerRequest(name="eve", card=card), timeout=5
        )
    )
    updating = await fails(
        stubs.customers.UpdatePaymentCard(
            customer_pb2.UpdatePaymentCardRequest(card=card), metadata=ann, timeout=5
        )
    )
    for error in (registering, updating):
        assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "BAD_CARD_NUMBER")
        assert "0-9" in error.message
    assert _counts(central) == before
    assert len(_refusals(caplog, "BAD_CARD_NUMBER")) == 2
    _no_tracebacks(caplog)


def _sale(
    sequence: int, price: int = 1000, quantity: int = 1, **changes: Any
) -> branch_pb2.StreamSalesRequest:
    subtotal = price * quantity
    fields: dict[str, Any] = dict(
        transaction_id=f"north-{sequence}",
        sequence=sequence,
        occurred_at=Timestamp(seconds=int(datetime(2025, 5, 6, 10, tzinfo=UTC).timestamp())),
        business_day=DAY,
        items=[branch_pb2.SaleItem(product="apple", quantity=quantity, unit_price_cents=price)],
        subtotal_cents=subtotal,
        tax_cents=0,
        total_cents=subtotal,
        payment_method=branch_pb2.PAYMENT_METHOD_CASH,
    )
    fields.update(changes)
    return branch_pb2.StreamSalesRequest(sale=branch_pb2.SaleTransaction(**fields))


async def _stream(rc: RunningCentral, messages: list[branch_pb2.StreamSalesRequest]) -> list[int]:
    """Streams ``messages`` as north; returns the sequences acknowledged (raises if refused)."""
    call = branch_pb2_grpc.BranchServiceStub(rc.channel).StreamSales(metadata=NORTH, timeout=10)
    await call.read()
    for message in messages:
        await call.write(message)
    await call.done_writing()
    acked: list[int] = []
    while isinstance(reply := await call.read(), branch_pb2.StreamSalesResponse):
        acked.extend(ack.sequence for ack in reply.acks.acks)
    return acked


async def _refused_stream(rc: RunningCentral, bad: branch_pb2.StreamSalesRequest) -> str:
    """Streams one bad sale as north; returns the reason the stream was refused with."""
    call = branch_pb2_grpc.BranchServiceStub(rc.channel).StreamSales(metadata=NORTH, timeout=10)
    await call.read()
    await call.write(bad)
    # Not done_writing: the central ends the stream on the bad sale, and the read says why.
    error = await fails(call.read())
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT, error
    return error.reason


async def _reports_answer(rc: RunningCentral) -> None:
    stub = report_pb2_grpc.ReportServiceStub(rc.channel)
    md = rc.operator_metadata
    await stub.GetBranchRevenue(report_pb2.GetBranchRevenueRequest(), metadata=md, timeout=10)
    await stub.ListTopProducts(report_pb2.ListTopProductsRequest(), metadata=md, timeout=10)
    await stub.GetInventoryValue(report_pb2.GetInventoryValueRequest(), metadata=md, timeout=10)
    await stub.ListLowStockAlerts(report_pb2.ListLowStockAlertsRequest(), metadata=md, timeout=10)


@pytest.mark.parametrize(
    "seconds",
    [2**62, -(2**62), int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()) + 1],
    ids=["2**62", "-2**62", "year 10000"],
)
async def test_times_out_of_range_are_invalid_argument(
    central: RunningCentral, caplog: pytest.LogCaptureFixture, seconds: int
) -> None:
    caplog.set_level(logging.INFO)
    assert await _stream(central, [_sale(1)]) == [1]
    before = _counts(central)
    assert await _refused_stream(central, _sale(2, occurred_at=Timestamp(seconds=seconds))) == "BAD_TIMESTAMP"
    branches = branch_pb2_grpc.BranchServiceStub(central.channel)
    alert = branch_pb2.LowStockAlert(
        product="apple", quantity=1, reorder_point=3, raised_at=Timestamp(seconds=seconds)
    )
    error = await fails(
        branches.ReportInventory(
            branch_pb2.ReportInventoryRequest(branch_name="north", open_alerts=[alert]),
            metadata=NORTH,
            timeout=10,
        )
    )
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "BAD_TIMESTAMP")
    assert _counts(central) == before
    # The stream still works afterwards, and so do the reports.
    assert await _stream(central, [_sale(2)]) == [2]
    await _reports_answer(central)
    assert len(_refusals(caplog, "BAD_TIMESTAMP")) == 2
    _no_tracebacks(caplog)


async def test_amounts_past_their_bounds_are_refused_and_reports_keep_answering(
    central: RunningCentral, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    branches = branch_pb2_grpc.BranchServiceStub(central.channel)
    before = _counts(central)
    for sequence in (1, 1):  # the same sale twice: it is refused each time
        assert await _refused_stream(central, _sale(sequence, price=2**62)) == "BAD_ITEM"
    assert await _refused_stream(central, _sale(1, quantity=1_000_001)) == "BAD_ITEM"
    assert await _refused_stream(central, _sale(1, price=100_000_000, quantity=101)) == "SALE_TOO_LARGE"
    report = branch_pb2.SubmitDailyReportRequest(branch_name="north", business_day=DAY, revenue_cents=2**62)
    error = await fails(branches.SubmitDailyReport(report, metadata=NORTH, timeout=10))
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "FIGURE_TOO_LARGE")
    item = branch_pb2.InventoryItem(product="apple", quantity=2**62, unit_cost_cents=2**62)
    error = await fails(
        branches.ReportInventory(
            branch_pb2.ReportInventoryRequest(branch_name="north", items=[item]), metadata=NORTH, timeout=10
        )
    )
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "FIGURE_TOO_LARGE")
    assert _counts(central) == before
    await _reports_answer(central)
    assert len(_refusals(caplog, "bad input")) == 6
    _no_tracebacks(caplog)


async def test_figures_at_their_bounds_add_up_in_the_reports(central: RunningCentral) -> None:
    # A sale of the largest subtotal with as much tax, twice; an inventory of the most products at most.
    biggest = dict(subtotal_cents=10**10, tax_cents=10**10, total_cents=2 * 10**10)
    assert await _stream(
        central, [_sale(1, 10_000, 1_000_000, **biggest), _sale(2, 10_000, 1_000_000, **biggest)]
    ) == [1, 2]
    items = [
        branch_pb2.InventoryItem(
            product=f"p{n}", quantity=1_000_000, unit_cost_cents=100_000_000, reorder_point=1
        )
        for n in range(10_000)
    ]
    branches = branch_pb2_grpc.BranchServiceStub(central.channel)
    await branches.ReportInventory(
        branch_pb2.ReportInventoryRequest(branch_name="north", items=items), metadata=NORTH, timeout=30
    )
    reports = report_pb2_grpc.ReportServiceStub(central.channel)
    md = central.operator_metadata
    days = (
        await reports.GetBranchRevenue(report_pb2.GetBranchRevenueRequest(), metadata=md, timeout=10)
    ).days
    assert [(d.streamed_revenue_cents, d.transaction_count) for d in days] == [(4 * 10**10, 2)]
    (top,) = (
        await reports.ListTopProducts(report_pb2.ListTopProductsRequest(), metadata=md, timeout=10)
    ).products
    assert (top.units, top.revenue_cents) == (2_000_000, 2 * 10**10)
    (value,) = (
        await reports.GetInventoryValue(report_pb2.GetInventoryValueRequest(), metadata=md, timeout=30)
    ).branches
    assert (value.value_cents, value.units) == (10**18, 10**10)
