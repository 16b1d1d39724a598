"""distribution_client against the in-process central: each caller group end to end, records out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from central.testing import RunningCentral, running_central
from distribution_client import (
    Card,
    CartLineState,
    CentralClient,
    DayReport,
    InvalidArgument,
    InventoryItem,
    LowStockAlert,
    MonthState,
    NotFound,
    OfferLine,
    Sale,
    SaleItem,
    Unauthenticated,
    connect,
)
from generated.distribution.v1 import branch_pb2, manufacturer_pb2
from tests.helpers import assert_eventually

CARD = Card("4242 4242 4242 4242", 12, 2031)
DAY = "2025-05-06"


@pytest.fixture
async def central() -> AsyncIterator[RunningCentral]:
    async with running_central(
        branch_keys={"north": "north-key"}, manufacturer_keys={"Acme": "acme-key"}
    ) as rc:
        yield rc


@pytest.fixture
async def client(central: RunningCentral) -> AsyncIterator[CentralClient]:
    async with connect(central.address) as client:
        yield client


async def open_with_stock(client: CentralClient, central: RunningCentral) -> dict[str, int]:
    operator = client.operator(central.operator_token)
    opened = await operator.open_month(offer_deadline_ms=1)
    lines = await operator.submit_offer(
        "Acme", opened.month, [OfferLine("jam", 5, 300), OfferLine("tea", 2, 150)]
    )
    return {line.product: line.stock_line_id for line in lines}


async def test_a_shopper_registers_fills_a_cart_and_checks_out_once_per_key(
    client: CentralClient, central: RunningCentral
) -> None:
    ids = await open_with_stock(client, central)
    shopper = client.shopper()
    registration = await shopper.register("ann", CARD)
    assert registration.card_last4 == "4242" and shopper.token == registration.token

    catalog = await shopper.catalog()
    assert catalog.state is MonthState.OPEN
    assert {(line.product, line.available) for line in catalog.lines} == {("jam", 5), ("tea", 2)}

    line = await shopper.add_item(ids["jam"], 2)
    assert (line.product, line.quantity, line.state) == ("jam", 2, CartLineState.RESERVED)
    await shopper.add_item(ids["tea"], 1)
    assert await shopper.remove_item(ids["tea"]) == 1
    cart = await shopper.cart()
    assert [(x.product, x.quantity) for x in cart.lines] == [("jam", 2)] and cart.total_cents == 600

    first = await shopper.checkout("ann-order-1")
    again = await shopper.checkout("ann-order-1")
    assert not first.replayed and again.replayed and again.order.order_id == first.order.order_id
    assert [(x.product, x.quantity) for x in first.order.lines] == [("jam", 2)]
    assert [o.order_id for o in await shopper.orders()] == [first.order.order_id]
    assert await shopper.finish_shopping(first.order.month) == 1


async def test_failures_arrive_as_typed_errors_with_the_central_s_reason(
    client: CentralClient, central: RunningCentral
) -> None:
    ids = await open_with_stock(client, central)
    shopper = client.shopper()
    with pytest.raises(Unauthenticated):
        await shopper.cart()
    await shopper.register("bob", CARD)
    with pytest.raises(InvalidArgument) as bad:
        await shopper.add_item(ids["jam"], 0)
    assert bad.value.reason and bad.value.message
    with pytest.raises(NotFound):
        await shopper.remove_item(ids["jam"])


async def test_the_operator_drives_the_month_and_reads_it_as_records(
    client: CentralClient, central: RunningCentral
) -> None:
    operator = client.operator(central.operator_token)
    assert (await operator.month_status()).month == 0
    ids = await open_with_stock(client, central)
    shopper = client.shopper()
    await shopper.register("cy", CARD)
    await shopper.add_item(ids["tea"], 2)
    await shopper.checkout("cy-order-1")

    status = await operator.month_status()
    assert status.state is MonthState.OPEN and status.order_count == 1 and status.opened_at is not None
    assert {(s.product, s.sold, s.available) for s in status.stock_lines} == {("jam", 0, 5), ("tea", 2, 0)}
    assert (await operator.pause_month()).paused
    assert not (await operator.resume_month()).paused

    closed = await operator.close_month(status.month)
    assert closed.state is MonthState.CLOSED and closed.closed_at is not None
    (acme,) = closed.manufacturer_results
    outcomes = {p.product: (p.offered, p.sold, p.revenue_cents, p.unsold) for p in acme.products}
    assert outcomes == {"jam": (5, 0, 0, 5), "tea": (2, 2, 300, 0)}
    assert [(m.name, m.connected) for m in await operator.manufacturers()] == [("Acme", False)]


async def test_a_branch_reports_its_day_and_shelves_and_streams_a_sale(
    client: CentralClient, central: RunningCentral
) -> None:
    branch = client.branch("north-key", "north")
    sale = Sale(
        "t-1",
        1,
        datetime(2025, 5, 6, 10, tzinfo=UTC),
        DAY,
        (SaleItem("jam", 2, 400),),
        800,
        0,
        800,
        "cash",
        "walk-in",
    )
    call = branch.stream_sales()
    try:
        first = await call.read()
        assert isinstance(first, branch_pb2.StreamSalesResponse) and first.resume.last_sequence == 0
        await call.write(branch.sale_message(sale))
        ack = await call.read()
        assert isinstance(ack, branch_pb2.StreamSalesResponse)
        assert [(a.sequence, a.transaction_id) for a in ack.acks.acks] == [(1, "t-1")]
    finally:
        call.cancel()

    receipt = await branch.submit_day(DayReport("north", DAY, 800, 0, 1))
    assert (receipt.created, receipt.streamed_revenue_cents, receipt.flagged) == (True, 800, False)
    assert not (await branch.submit_day(DayReport("north", DAY, 800, 0, 1))).created

    raised = datetime(2025, 5, 6, 11, tzinfo=UTC)
    await branch.report_inventory(
        "north", [InventoryItem("jam", 3, 200, 5)], [LowStockAlert("jam", 3, 5, raised)]
    )
    operator = client.operator(central.operator_token)
    assert [(v.branch_name, v.units, v.value_cents) for v in await operator.inventory_value()] == [
        ("north", 3, 600)
    ]
    (alert,) = await operator.low_stock_alerts()
    assert (alert.branch_name, alert.alert.product, alert.alert.raised_at) == ("north", "jam", raised)
    assert [(d.branch_name, d.revenue_cents) for d in await operator.branch_revenue()] == [("north", 800)]
    assert [(p.product, p.units) for p in await operator.top_products()] == [("jam", 2)]


async def test_a_manufacturer_link_is_welcomed_and_seen_connected(
    client: CentralClient, central: RunningCentral
) -> None:
    link = client.manufacturer_link("acme-key", "Acme")
    call = link.connect()
    try:
        await call.write(link.hello())
        welcome = await call.read()
        assert isinstance(welcome, manufacturer_pb2.ConnectResponse) and welcome.welcome.name == "Acme"
        operator = client.operator(central.operator_token)

        async def connected() -> None:
            assert [m.connected for m in await operator.manufacturers()] == [True]

        await assert_eventually(connected)
    finally:
        call.cancel()
