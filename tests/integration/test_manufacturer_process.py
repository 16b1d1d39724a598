"""A real `python -m manufacturer_node` process: connects, offers, gets its report, stops on SIGTERM."""

from __future__ import annotations

import asyncio
from pathlib import Path

from central.testing import RunningCentral, running_central
from generated.distribution.v1 import common_pb2, month_pb2, month_pb2_grpc
from tests.helpers import assert_eventually
from tests.processes import node_process, stop

NAME = "Acme Foods"
KEY = "acme-foods-key-1"
START_S = 30.0  # a cold Python start on a busy 2-core machine


async def acme(rc: RunningCentral) -> month_pb2.ManufacturerInfo:
    stub = month_pb2_grpc.MonthServiceStub(rc.channel)
    reply = await stub.ListManufacturers(
        month_pb2.ListManufacturersRequest(), metadata=rc.operator_metadata, timeout=5
    )
    (info,) = reply.manufacturers
    return info


def argv(rc: RunningCentral, key: str) -> list[str]:
    return ["--central", rc.address, "--name", NAME, "--key", key, "--seed", "3", "--month-seconds", "2"]


async def test_process_connects_offers_gets_its_report_and_stops_on_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "manufacturer.log"
    async with running_central(tmp_path / "central.sqlite3", manufacturer_keys={NAME: KEY}) as rc:
        months = month_pb2_grpc.MonthServiceStub(rc.channel)
        with node_process("manufacturer_node", argv(rc, KEY), log) as process:

            async def is_connected() -> None:
                assert process.poll() is None, log.read_text()
                assert (await acme(rc)).connected

            await assert_eventually(is_connected, timeout_s=START_S)
            opened = await months.OpenMonth(
                month_pb2.OpenMonthRequest(offer_deadline_ms=5000), metadata=rc.operator_metadata, timeout=30
            )
            assert opened.state == common_pb2.MONTH_STATE_OPEN
            assert list(opened.offered_manufacturers) == [NAME]
            await months.CloseMonth(
                month_pb2.CloseMonthRequest(month=opened.month), metadata=rc.operator_metadata, timeout=10
            )

            async def report_acknowledged() -> None:
                assert (await acme(rc)).pending_notifications == 0

            await assert_eventually(report_acknowledged, timeout_s=10)
            code = await asyncio.to_thread(stop, process)

        text = log.read_text()
        print(f"{opened.stock_line_count} stock lines offered; exit {code}; log:\n{text}")
        assert code == 0
        assert "month 1 report" in text
        assert "stopping" in text

        async def disconnected() -> None:
            assert not (await acme(rc)).connected

        await assert_eventually(disconnected)


async def test_process_with_a_wrong_key_exits_1(tmp_path: Path) -> None:
    log = tmp_path / "manufacturer.log"
    async with running_central(tmp_path / "central.sqlite3", manufacturer_keys={NAME: KEY}) as rc:
        with node_process("manufacturer_node", argv(rc, "wrong-key-123"), log) as process:
            code = await asyncio.to_thread(process.wait, START_S)
    assert code == 1, log.read_text()
    assert "UNAUTHENTICATED" in log.read_text()
