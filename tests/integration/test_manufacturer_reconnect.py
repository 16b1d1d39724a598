"""The manufacturer's real link survives a central restart: it reconnects, nothing doubles or is lost."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

from central.app import create_server
from central.running import Central
from central.settings import CentralSettings
from central.testing import running_central
from generated.distribution.v1 import month_pb2, month_pb2_grpc
from manufacturer_node.catalog import LineSpec
from manufacturer_node.desk import Desk
from manufacturer_node.link import CentralLink
from manufacturer_node.plant import Plant
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.db.engine import sqlite_url
from nodekit.ports import free_port
from tests.helpers import Stubs, add, assert_eventually, checkout, register

NAME = "Acme Foods"
KEY = "acme-foods-key-1"
OPERATOR = bearer_metadata("operator-key-1")


async def test_link_reconnects_after_a_central_restart_and_gets_what_was_queued(tmp_path: Path) -> None:
    settings = dataclasses.replace(
        CentralSettings(),
        port=free_port(),
        db_url=sqlite_url(str(tmp_path / "central.sqlite3")),
        operator_key="operator-key-1",
        manufacturer_keys={NAME: KEY},
        drain_grace_s=0.2,
    )
    address = f"127.0.0.1:{settings.port}"
    central: Central | None = await create_server(settings)
    # Rate 0: the month's production run adds nothing, so the offer is exactly the stock below.
    plant = Plant([LineSpec("Acme Tea", 300, 0.0, 100), LineSpec("Acme Jam", 450, 0.0, 100)])
    plant.produce("Acme Tea", 4)
    plant.produce("Acme Jam", 6)
    plant.start()
    desk = Desk(plant, month_seconds=6.0)
    link_channel = open_channel(address)
    link = CentralLink(link_channel, KEY, plant, desk, give_up_s=30)
    linking = asyncio.create_task(link.run())
    channel = open_channel(address)
    stubs = Stubs.on(channel)
    months = month_pb2_grpc.MonthServiceStub(channel)
    try:
        await asyncio.wait_for(link.connected.wait(), 10)
        opened = await months.OpenMonth(
            month_pb2.OpenMonthRequest(offer_deadline_ms=5000), metadata=OPERATOR, timeout=20
        )
        assert list(opened.offered_manufacturers) == [NAME]
        assert opened.stock_line_count == 2

        assert central is not None
        await central.stop()
        central = None

        async def link_down() -> None:
            assert not link.connected.is_set()

        await assert_eventually(link_down)
        central = await create_server(settings)
        await asyncio.wait_for(link.connected.wait(), 15)
        assert link.connections == 2

        # A depletion after the restart reaches the reconnected manufacturer exactly once.
        status = await months.GetMonthStatus(month_pb2.GetMonthStatusRequest(), metadata=OPERATOR, timeout=5)
        tea = next(line for line in status.status.stock_lines if line.product == "Acme Tea")
        ann = await register(stubs, "ann")
        await add(stubs, ann, tea.stock_line_id, 4)
        await checkout(stubs, ann, "ann-order-0001")

        async def depletion_applied() -> None:
            assert [(d.product, d.quantity_sold) for d in desk.depletions] == [("Acme Tea", 4)]

        await assert_eventually(depletion_applied)
        await months.CloseMonth(month_pb2.CloseMonthRequest(month=1), metadata=OPERATOR, timeout=10)

        async def report_applied() -> None:
            listed = await months.ListManufacturers(
                month_pb2.ListManufacturersRequest(), metadata=OPERATOR, timeout=5
            )
            assert [(m.connected, m.pending_notifications) for m in listed.manufacturers] == [(True, 0)]
            assert len(desk.reports) == 1

        await assert_eventually(report_applied)
        # Sold tea left for good; the unsold jam came back; the same month's offer was made once.
        assert plant.free == {"Acme Tea": 0, "Acme Jam": 6}
        assert len(desk.depletions) == 1
        assert plant.lines["Acme Tea"].rate_per_s != 1.0  # re-planned from the recommendation
    finally:
        linking.cancel()
        await asyncio.gather(linking, return_exceptions=True)
        await plant.stop()
        await channel.close()
        await link_channel.close()
        if central is not None:
            await central.stop()


async def test_streams_the_central_ends_at_once_are_reconnected_at_a_bounded_rate(tmp_path: Path) -> None:
    # Two processes on one key: each connect makes the central end the other's stream with OK,
    # so without a wait before every reconnect the two would take turns in a tight loop.
    async with running_central(tmp_path / "central.sqlite3", manufacturer_keys={NAME: KEY}) as rc:
        plants = [Plant([LineSpec("Acme Tea", 300, 0.0, 100)]) for _ in range(2)]
        links = [CentralLink(rc.channel, KEY, plant, Desk(plant, 6.0), give_up_s=30) for plant in plants]
        started = time.monotonic()
        linking = [asyncio.create_task(link.run()) for link in links]
        try:

            async def both_reconnected_a_few_times() -> None:
                assert sum(link.connections for link in links) >= 8

            await assert_eventually(both_reconnected_a_few_times, timeout_s=20)
            elapsed = time.monotonic() - started
        finally:
            for task in linking:
                task.cancel()
            await asyncio.gather(*linking, return_exceptions=True)
    # One of them connected 4 times or more, so it waited at least 0.1 + 0.2 + 0.4 s in between.
    assert elapsed >= 0.7, f"{[link.connections for link in links]} connects in {elapsed:.2f}s"
