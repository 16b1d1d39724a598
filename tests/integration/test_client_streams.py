"""The client's two streams in records against the in-process central: branch sales, a manufacturer's link."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import grpc
import pytest

from central.testing import RunningCentral, running_central
from distribution_client import (
    CentralClient,
    Hello,
    Notification,
    NotificationAck,
    OfferLine,
    OfferReply,
    OfferRequest,
    ReportNotice,
    Sale,
    SaleAck,
    SaleAcks,
    SaleItem,
    SalesResume,
    Welcome,
    connect,
)
from tests.helpers import assert_eventually

# Every read of a stream is bounded: a central that stays silent fails the test, not the run.
READ_S = 10.0


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


async def test_a_branch_streams_a_sale_and_hears_its_ack_and_its_resend_as_a_duplicate(
    client: CentralClient,
) -> None:
    sale = Sale(
        "t-1", 1, datetime(2025, 5, 6, 10, tzinfo=UTC), "2025-05-06", (SaleItem("jam", 2, 400),),
        800, 0, 800, "cash", "walk-in",
    )  # fmt: skip
    stream = client.branch("north-key", "north").open_sales()
    try:
        assert await asyncio.wait_for(stream.receive(), READ_S) == SalesResume(0)
        await stream.send(sale)
        assert await asyncio.wait_for(stream.receive(), READ_S) == SaleAcks((SaleAck(1, "t-1", False),))
        await stream.send(sale)
        assert await asyncio.wait_for(stream.receive(), READ_S) == SaleAcks((SaleAck(1, "t-1", True),))
    finally:
        stream.cancel()


async def test_a_sale_written_to_an_ended_stream_raises_how_it_ended(client: CentralClient) -> None:
    # A write racing the stream's end (a central killed) met grpcio's InvalidStateError, which the
    # branch's reconnect loop did not expect: its stream task died and sales stayed unacknowledged.
    sale = Sale(
        "t-2", 1, datetime(2025, 5, 6, 10, tzinfo=UTC), "2025-05-06", (SaleItem("jam", 1, 400),),
        400, 0, 400, "cash", "walk-in",
    )  # fmt: skip
    stream = client.branch("north-key", "north").open_sales()
    assert await asyncio.wait_for(stream.receive(), READ_S) == SalesResume(0)
    stream.cancel()
    with pytest.raises(grpc.aio.AioRpcError) as ended:
        await stream.send(sale)
    assert ended.value.code() == grpc.StatusCode.CANCELLED


async def test_a_manufacturer_is_welcomed_offers_and_acknowledges_its_month_report(
    client: CentralClient, central: RunningCentral
) -> None:
    operator = client.operator(central.operator_token)
    link = client.manufacturer_link("acme-key", "Acme").open()
    try:
        await link.send(Hello())
        welcome = await asyncio.wait_for(link.receive(), READ_S)
        assert isinstance(welcome, Welcome) and welcome.name == "Acme"

        opening = asyncio.create_task(operator.open_month(offer_deadline_ms=5000))
        ask = await asyncio.wait_for(link.receive(), READ_S)
        assert isinstance(ask, OfferRequest) and ask.month == 1
        await link.send(OfferReply(ask.request_id, ask.month, (OfferLine("jam", 5, 300),)))
        opened = await opening
        assert (opened.month, opened.offered_manufacturers) == (1, ("Acme",))

        await operator.close_month(1)
        note = await asyncio.wait_for(link.receive(), READ_S)
        assert isinstance(note, Notification) and isinstance(note.notice, ReportNotice)
        assert [(r.product, r.offered, r.sold) for r in note.notice.results] == [("jam", 5, 0)]
        await link.send(NotificationAck(note.notification_id))

        async def acknowledged() -> None:
            assert [m.pending_notifications for m in await operator.manufacturers()] == [0]

        await assert_eventually(acknowledged)
    finally:
        link.cancel()
