"""Several centrals on one PostgreSQL: a month paused at one is paused at all; its moved deadline holds."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from generated.distribution.v1 import catalog_pb2, common_pb2, month_pb2
from tests.helpers import assert_eventually
from tests.several_centrals import several_centrals
from tests.several_centrals_calls import CALL_S, COHERENT_S, TAKEOVER_S, month_status, open_month

pytestmark = pytest.mark.several_centrals


async def test_a_pause_at_one_central_holds_the_month_at_every_central(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        # Opened at A (which owns the month's timers from the start), paused at B, resumed at C.
        month, _ = await open_month(centrals, 0, {"jam": 10}, close_after_seconds=2)
        paused = await centrals.stubs(1).months.PauseMonth(
            month_pb2.PauseMonthRequest(month=month), metadata=centrals.operator_metadata, timeout=CALL_S
        )
        deadline = paused.status.opened_at.ToDatetime(UTC) + timedelta(seconds=2)

        async def paused_at(at: int) -> None:
            assert (await month_status(centrals, at)).paused
            listed = await centrals.stubs(at).catalog.ListStockLines(
                catalog_pb2.ListStockLinesRequest(), metadata=centrals.operator_metadata, timeout=CALL_S
            )
            assert listed.month_paused

        for at in (0, 2):
            await assert_eventually(functools.partial(paused_at, at), timeout_s=COHERENT_S)

        async def open_everywhere_past_the_old_deadline() -> None:
            for at in range(3):
                status = await month_status(centrals, at)
                if status.state != common_pb2.MONTH_STATE_OPEN:
                    pytest.fail(f"a paused month closed at central {at} ({status.close_reason})")
            assert datetime.now(UTC) > deadline + timedelta(seconds=1)

        await assert_eventually(open_everywhere_past_the_old_deadline, timeout_s=10, interval_s=0.1)
        resumed = await centrals.stubs(2).months.ResumeMonth(
            month_pb2.ResumeMonthRequest(), metadata=centrals.operator_metadata, timeout=CALL_S
        )
        moved = resumed.status.closes_at.ToDatetime(UTC)
        assert moved > deadline + timedelta(seconds=1)

        async def closed_by_its_moved_deadline() -> month_pb2.MonthStatus:
            status = await month_status(centrals, 1, month)
            assert (status.state, status.close_reason) == (common_pb2.MONTH_STATE_CLOSED, "deadline")
            return status

        closed = await assert_eventually(
            closed_by_its_moved_deadline, timeout_s=2 + TAKEOVER_S, interval_s=0.1
        )
        assert closed.closed_at.ToDatetime(UTC) >= moved
