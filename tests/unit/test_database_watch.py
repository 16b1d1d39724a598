"""Which errors mean the database is gone, and the watch's one line at each end of an outage."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc

from central.service.database_watch import DatabaseWatch
from central.storage.outage import database_gone
from nodekit.errors import ErrorKind, precondition
from tests.helpers import eventually


def wrapped(error: Exception) -> sa_exc.DBAPIError:
    """``error`` as SQLAlchemy hands a driver's error on."""
    return sa_exc.OperationalError("SELECT 1", {}, error)


def sqlite_error(code: int, text: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        wrapped(ConnectionResetError(104, "Connection reset by peer")),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.DiskFullError("could not extend file"),
        wrapped(sqlite_error(13, "database or disk is full")),
        wrapped(sqlite_error(8, "attempt to write a readonly database")),
        wrapped(sqlite_error(778, "disk I/O error")),  # SQLITE_IOERR_WRITE
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_of_a_database_that_is_gone(error: Exception) -> None:
    assert database_gone(error)


@pytest.mark.parametrize(
    "error",
    [
        precondition("MONTH_NOT_OPEN", "The month is not open."),
        sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        asyncpg.UniqueViolationError("duplicate key value"),
        wrapped(sqlite_error(1, "no such table: stock_lines")),
        ValueError("a bug"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_of_a_request_or_a_bug_are_not_an_outage(error: Exception) -> None:
    assert not database_gone(error)


async def test_an_outage_is_one_line_at_each_end_and_ends_when_the_probe_answers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    back = asyncio.Event()
    reported: list[bool] = []

    async def probe() -> None:
        if not back.is_set():
            raise ConnectionRefusedError(111, "Connection refused")

    async def changed(up: bool) -> None:
        reported.append(up)

    watch = DatabaseWatch(probe, changed)
    caplog.set_level(logging.WARNING, "central.service.database_watch")
    try:
        first = watch.failed(ConnectionRefusedError(111, "Connection refused"))
        for _ in range(50):
            watch.failed(ConnectionRefusedError(111, "Connection refused"))
            watch.refusal()
        assert first.kind is ErrorKind.UNAVAILABLE and first.reason == "DATABASE_UNAVAILABLE"
        assert watch.down
        await eventually(lambda: reported == [False], timeout_s=5)
        back.set()
        await eventually(lambda: reported == [False, True], timeout_s=5)
        await asyncio.wait_for(watch.wait_back(), 5)
        assert not watch.down and watch.outages == 1
    finally:
        await watch.stop()
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("database unavailable (ConnectionRefusedError")
    assert lines[1].startswith("database back after") and "101 calls answered UNAVAILABLE" in lines[1]


async def test_the_heartbeat_notices_a_database_that_stops_answering_and_cuts_the_calls_waiting_on_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hung = asyncio.Event()
    abandoned: list[BaseException] = []

    async def probe() -> None:
        if hung.is_set():
            await asyncio.Event().wait()  # no answer, no error: a stopped server

    async def changed(up: bool) -> None:
        return None

    watch = DatabaseWatch(probe, changed, abandoned.append, heartbeat=True)
    caplog.set_level(logging.WARNING, "central.service.database_watch")

    async def call() -> str:
        task = asyncio.current_task()
        assert task is not None
        watch.waiting.add(task)
        try:
            await asyncio.Event().wait()  # a statement on the hung database
        except asyncio.CancelledError:
            return "cut" if watch.was_cut(task) else "cancelled"
        finally:
            watch.waiting.discard(task)
        return "answered"

    watch.start()
    try:
        waiting = asyncio.create_task(call())
        await eventually(lambda: bool(watch.waiting), timeout_s=5)
        hung.set()
        assert await asyncio.wait_for(waiting, 10) == "cut"
        assert watch.down and waiting.cancelling() == 0
        assert [getattr(e, "reason", None) for e in abandoned] == ["DATABASE_UNAVAILABLE"]
        hung.clear()
        await asyncio.wait_for(watch.wait_back(), 10)
    finally:
        await watch.stop()
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("database unavailable (DatabaseHung: no answer within")


async def test_the_heartbeat_sends_no_probe_while_reads_made_anyway_hear_the_database() -> None:
    probes = 0

    async def probe() -> None:
        nonlocal probes
        probes += 1

    async def changed(up: bool) -> None:
        return None

    watch = DatabaseWatch(probe, changed, heartbeat=True)
    watch.start()
    try:
        # The feed's refresh answers every 0.1 s: the heartbeat has nothing to ask.
        for _ in range(10):
            watch.answered()
            await asyncio.sleep(0.1)
        spared = probes
        # Nothing answers any more: the heartbeat asks again, period after period.
        await eventually(lambda: probes >= spared + 2, timeout_s=5)
    finally:
        await watch.stop()
    assert spared == 0
