"""Pausing and resuming the month over real gRPC: conditional moves, the moved close, the catalog flag."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from central.testing import RunningCentral, running_central
from generated.distribution.v1 import catalog_pb2, common_pb2, month_pb2
from tests.helpers import (
    TIMEOUT,
    Stubs,
    assert_eventually,
    fails,
    next_reply,
    open_month_with,
    register,
    status,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A central's clock that a test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def pause(rc: RunningCentral, stubs: Stubs, month: int = 0) -> month_pb2.MonthStatus:
    reply = await stubs.months.PauseMonth(
        month_pb2.PauseMonthRequest(month=month), metadata=rc.operator_metadata, timeout=TIMEOUT
    )
    return reply.status


async def resume(rc: RunningCentral, stubs: Stubs, month: int = 0) -> month_pb2.MonthStatus:
    reply = await stubs.months.ResumeMonth(
        month_pb2.ResumeMonthRequest(month=month), metadata=rc.operator_metadata, timeout=TIMEOUT
    )
    return reply.status


async def open_for(rc: RunningCentral, stubs: Stubs, close_after_seconds: int) -> int:
    opened = await stubs.months.OpenMonth(
        month_pb2.OpenMonthRequest(offer_deadline_ms=1, close_after_seconds=close_after_seconds),
        metadata=rc.operator_metadata,
        timeout=TIMEOUT,
    )
    return int(opened.month)


@pytest.fixture
async def rc() -> AsyncIterator[RunningCentral]:
    async with running_central() as central:
        yield central


async def test_only_an_open_running_month_pauses_and_only_a_paused_one_resumes(rc: RunningCentral) -> None:
    stubs = Stubs.on(rc.channel)
    error = await fails(pause(rc, stubs))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "MONTH_NOT_OPEN")
    month = await open_for(rc, stubs, 0)
    error = await fails(resume(rc, stubs))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "MONTH_NOT_PAUSED")
    paused = await pause(rc, stubs, month)
    assert paused.paused and paused.HasField("paused_at")
    error = await fails(pause(rc, stubs))
    assert (error.code, error.reason, error.message) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "MONTH_ALREADY_PAUSED",
        f"Month {month} is paused already.",
    )
    resumed = await resume(rc, stubs)
    assert not resumed.paused and not resumed.HasField("paused_at")
    assert (await status(rc, stubs)).state == common_pb2.MONTH_STATE_OPEN
    error = await fails(pause(rc, stubs, -1))
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "BAD_MONTH")
    ann = await register(stubs, "ann")
    error = await fails(stubs.months.PauseMonth(month_pb2.PauseMonthRequest(), metadata=ann, timeout=TIMEOUT))
    assert error.code == grpc.StatusCode.PERMISSION_DENIED
    await stubs.months.CloseMonth(
        month_pb2.CloseMonthRequest(month=month), metadata=rc.operator_metadata, timeout=TIMEOUT
    )
    error = await fails(pause(rc, stubs))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "MONTH_NOT_OPEN")
    error = await fails(resume(rc, stubs))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "MONTH_NOT_OPEN")


async def test_the_close_moves_later_by_the_time_paused() -> None:
    clock = Clock()
    async with running_central(clock=clock) as rc:
        stubs = Stubs.on(rc.channel)
        await open_for(rc, stubs, 3600)
        deadline = T0 + timedelta(seconds=3600)
        assert (await status(rc, stubs)).closes_at.ToDatetime(UTC) == deadline
        clock.advance(10)
        await pause(rc, stubs)
        clock.advance(30)
        paused = await status(rc, stubs)
        # While paused, the close is where it would be if resumed now.
        assert (paused.paused, paused.paused_ms, paused.close_after_seconds) == (True, 30_000, 3600)
        assert paused.closes_at.ToDatetime(UTC) == deadline + timedelta(seconds=30)
        clock.advance(20)
        resumed = await resume(rc, stubs)
        assert (resumed.paused, resumed.paused_ms) == (False, 50_000)
        assert resumed.closes_at.ToDatetime(UTC) == deadline + timedelta(seconds=50)
        clock.advance(5)
        await pause(rc, stubs)
        clock.advance(1.5)
        again = await resume(rc, stubs)
        assert again.paused_ms == 51_500
        assert again.closes_at.ToDatetime(UTC) == deadline + timedelta(seconds=51.5)


async def test_a_paused_month_stays_open_past_its_deadline_and_closes_after_the_resume(
    rc: RunningCentral,
) -> None:
    stubs = Stubs.on(rc.channel)
    await open_for(rc, stubs, 1)
    paused = await pause(rc, stubs)
    deadline = paused.opened_at.ToDatetime(UTC) + timedelta(seconds=1)

    async def open_past_the_old_deadline() -> None:
        now = await status(rc, stubs)
        if now.state != common_pb2.MONTH_STATE_OPEN:
            pytest.fail(f"a paused month closed ({now.close_reason})")
        assert datetime.now(UTC) > deadline + timedelta(seconds=0.5)

    await assert_eventually(open_past_the_old_deadline, timeout_s=10)
    resumed = await resume(rc, stubs)
    moved = resumed.closes_at.ToDatetime(UTC)
    assert moved > deadline + timedelta(seconds=0.5)

    async def closed_by_its_deadline() -> month_pb2.MonthStatus:
        now = await status(rc, stubs)
        assert now.state == common_pb2.MONTH_STATE_CLOSED
        return now

    closed = await assert_eventually(closed_by_its_deadline, timeout_s=10)
    assert closed.close_reason == "deadline"
    assert closed.closed_at.ToDatetime(UTC) >= moved
    assert not closed.paused


async def test_the_catalog_tells_watchers_and_listers_of_the_pause(rc: RunningCentral) -> None:
    stubs = Stubs.on(rc.channel)
    await open_month_with(rc, stubs, {"jam": 5})
    ann = await register(stubs, "ann")
    watch = stubs.catalog.WatchCatalog(catalog_pb2.WatchCatalogRequest(), metadata=ann, timeout=TIMEOUT)
    first = await next_reply(watch)
    assert first.snapshot and not first.month_paused
    await pause(rc, stubs)
    started = time.monotonic()
    message = await next_reply(watch)
    while not message.month_paused and time.monotonic() - started < TIMEOUT:
        message = await next_reply(watch)
    assert message.snapshot and message.month_paused
    assert [line.product for line in message.stock_lines] == ["jam"]
    listed = await stubs.catalog.ListStockLines(
        catalog_pb2.ListStockLinesRequest(), metadata=ann, timeout=TIMEOUT
    )
    assert listed.month_paused
    await resume(rc, stubs)
    message = await next_reply(watch)
    while message.month_paused and time.monotonic() - started < TIMEOUT:
        message = await next_reply(watch)
    assert message.snapshot and not message.month_paused
    watch.cancel()
