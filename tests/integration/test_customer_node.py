"""A real ``python -m customer_node`` process shops two months at the in-process central."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from central.service.offers import OfferDesk, OfferLineInput
from central.testing import RunningCentral, running_central
from generated.distribution.v1 import common_pb2, month_pb2, month_pb2_grpc
from tests.helpers import assert_eventually
from tests.processes import ROOT, node_env, stop_async

OFFERS = {
    "Acme": [OfferLineInput("apples", 40, 120), OfferLineInput("bread", 20, 300)],
    "Bolt": [OfferLineInput("apples", 30, 150), OfferLineInput("dates", 10, 450)],
}


class OfferingCollector:
    """Stands in for manufacturer links: every month, the same offers arrive while collecting.

    Offers made during COLLECTING are on sale the moment the month opens, so the customer sees
    them in its first OPEN catalog message; that keeps the test free of timing assumptions.
    """

    def __init__(self, offers: OfferDesk) -> None:
        self._desk = offers

    async def collect(self, month: int, deadline_s: float) -> tuple[list[str], list[str]]:
        for name, lines in OFFERS.items():
            await self._desk.submit_offer(name, month, lines)
        return sorted(OFFERS), []

    def relay(self, month: int, due_at: datetime) -> None:
        """Nothing to relay: the test runs one central."""


@pytest.fixture
async def offering(tmp_path: Path) -> AsyncIterator[RunningCentral]:
    """The central, in-process on port 0, with offers arriving every month."""
    async with running_central(tmp_path / "central.sqlite3", collector=OfferingCollector) as running:
        yield running


async def test_customer_process_shops_each_month_and_exits_0_on_sigterm(
    offering: RunningCentral, tmp_path: Path
) -> None:
    central = offering
    log = tmp_path / "customer.log"
    token_file = tmp_path / "token"
    months = month_pb2_grpc.MonthServiceStub(central.channel)
    metadata = central.operator_metadata

    async def status(month: int) -> month_pb2.MonthStatus:
        reply: month_pb2.GetMonthStatusResponse = await months.GetMonthStatus(
            month_pb2.GetMonthStatusRequest(month=month), metadata=metadata, timeout=5
        )
        return reply.status

    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "customer_node",
            "--central", central.address, "--name", "test-customer", "--seed", "7",
            "--token-file", str(token_file), "--think-ms", "0",
            cwd=ROOT, env=node_env(), stdout=sink, stderr=sink,
        )  # fmt: skip
        try:
            await assert_eventually(lambda: _exists(token_file), timeout_s=20)
            for month in (1, 2):
                opened = await months.OpenMonth(
                    month_pb2.OpenMonthRequest(expected_shoppers=1, close_after_seconds=60),
                    metadata=metadata,
                    timeout=10,
                )
                assert opened.month == month
                assert opened.stock_line_count == 4

                async def closed(month: int = month) -> month_pb2.MonthStatus:
                    result = await status(month)
                    assert result.state == common_pb2.MONTH_STATE_CLOSED
                    return result

                result = await assert_eventually(closed, timeout_s=20)
                assert result.close_reason == "shoppers_done"
                assert result.finished_shoppers == 1
                assert result.order_count >= 1
                assert result.revenue_cents > 0
                for line in result.stock_lines:
                    assert line.reserved == 0
                    assert 0 <= line.sold <= line.offered
        finally:
            code = await stop_async(process)
    output = log.read_text()
    assert code == 0, output
    assert "month 1: bought" in output
    assert "month 2: bought" in output
    assert "Traceback" not in output


async def _exists(path: Path) -> None:
    assert await asyncio.to_thread(path.exists)
