"""A real ``python -m customer_node`` process holds while the central has the month paused, then shops on."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from central.service.offers import OfferDesk, OfferLineInput
from central.testing import RunningCentral, running_central
from generated.distribution.v1 import month_pb2, month_pb2_grpc
from tests.helpers import assert_eventually
from tests.processes import ROOT, node_env, stop_async

MONTH_S = 20
# While paused the reservations are read this long (at least): a shopper that kept buying would add some.
HELD_FOR_S = 3.0
OFFERS = [OfferLineInput(product, 500, 100) for product in ("apples", "bread", "dates", "figs")]


class Offering:
    """Every month the same plentiful offers arrive while collecting (no manufacturer process needed)."""

    def __init__(self, offers: OfferDesk) -> None:
        self._desk = offers

    async def collect(self, month: int, deadline_s: float) -> tuple[list[str], list[str]]:
        await self._desk.submit_offer("Acme", month, OFFERS)
        return ["Acme"], []

    def relay(self, month: int, due_at: datetime) -> None:
        """Nothing to relay: the test runs one central."""


@pytest.fixture
async def central(tmp_path: Path) -> AsyncIterator[RunningCentral]:
    async with running_central(tmp_path / "central.sqlite3", collector=Offering) as running:
        yield running


def _reservations(db_path: Path) -> int:
    with sqlite3.connect(db_path) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM reservations").fetchone()
    return int(count)


async def test_the_simulated_shopper_holds_while_the_month_is_paused(
    central: RunningCentral, tmp_path: Path
) -> None:
    log = tmp_path / "customer.log"
    months = month_pb2_grpc.MonthServiceStub(central.channel)
    operator = central.operator_metadata

    async def reservations() -> int:
        return await asyncio.to_thread(_reservations, central.db_path)

    async def logged(text: str) -> None:
        assert text in await asyncio.to_thread(log.read_text)

    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "customer_node",
            "--central", central.address, "--name", "paused-customer", "--seed", "3",
            "--think-ms", "20", "--month-seconds", str(MONTH_S), "--log-level", "INFO",
            cwd=ROOT, env=node_env(), stdout=sink, stderr=sink,
        )  # fmt: skip
        try:
            await assert_eventually(lambda: logged("catalog: month 0"), timeout_s=20)
            await months.OpenMonth(
                month_pb2.OpenMonthRequest(close_after_seconds=MONTH_S), metadata=operator, timeout=10
            )

            async def buying() -> None:
                assert await reservations() > 0

            await assert_eventually(buying, timeout_s=MONTH_S)
            await months.PauseMonth(month_pb2.PauseMonthRequest(), metadata=operator, timeout=10)
            # The shopper says it holds before its next call; no call of it is in flight then.
            await assert_eventually(
                lambda: logged("month 1 paused by the operator: holding"), timeout_s=MONTH_S
            )
            held = await reservations()
            since = time.monotonic()
            while time.monotonic() - since < HELD_FOR_S:
                assert await reservations() == held
                await asyncio.sleep(0.2)

            await months.ResumeMonth(month_pb2.ResumeMonthRequest(), metadata=operator, timeout=10)

            async def buying_again() -> None:
                assert await reservations() > held

            await assert_eventually(buying_again, timeout_s=MONTH_S)
            await assert_eventually(lambda: logged("month 1 resumed"), timeout_s=5)
        finally:
            code = await stop_async(process)
    output = log.read_text()
    assert code == 0, output
    assert "Traceback" not in output
