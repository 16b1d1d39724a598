"""Group commit: a refused or failing operation never takes its batch neighbours down; rollbacks."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db.engine import create_engine, sqlite_url
from nodekit.db.writer import WriteQueue
from nodekit.errors import DomainError, ErrorKind, invalid
from tests.helpers import eventually

meta = MetaData()
items = Table("items", meta, Column("n", Integer, primary_key=True, autoincrement=False))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url(str(tmp_path / "w.sqlite3")))
    async with engine.begin() as connection:
        await connection.run_sync(meta.create_all)
    yield engine
    await engine.dispose()


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(items))).scalar_one())


def _put(n: int):  # type: ignore[no-untyped-def]
    def op(connection: Connection) -> int:
        connection.execute(insert(items).values(n=n))
        return n

    return op


async def test_batch_commits_all_and_answers_each(engine: AsyncEngine) -> None:
    writer = WriteQueue(engine)
    await writer.start()
    results = await asyncio.gather(*(writer.run(_put(n)) for n in range(100)))
    await writer.stop()
    assert results == list(range(100))
    assert await _count(engine) == 100
    assert writer.batches < 100  # the concurrent requests were grouped


async def test_refusal_rolls_back_only_that_operation(engine: AsyncEngine) -> None:
    writer = WriteQueue(engine)
    await writer.start()

    def refuse(connection: Connection) -> None:
        raise invalid("NOPE", "refused")

    outcomes = await asyncio.gather(
        writer.run(_put(1)), writer.run(refuse), writer.run(_put(2)), return_exceptions=True
    )
    await writer.stop()
    assert outcomes[0] == 1 and outcomes[2] == 2
    assert isinstance(outcomes[1], Exception)
    assert await _count(engine) == 2


async def test_unexpected_failure_rolls_back_its_writes_but_not_its_neighbours(
    engine: AsyncEngine,
) -> None:
    writer = WriteQueue(engine)
    await writer.start()

    def half_then_crash(connection: Connection) -> None:
        connection.execute(insert(items).values(n=50))
        raise RuntimeError("boom")

    outcomes = await asyncio.gather(
        writer.run(_put(1)),
        writer.run(half_then_crash),
        writer.run(_put(2)),
        return_exceptions=True,
    )
    await writer.stop()
    assert outcomes[0] == 1 and outcomes[2] == 2
    assert isinstance(outcomes[1], RuntimeError)
    async with engine.connect() as connection:
        stored = sorted((await connection.execute(select(items.c.n))).scalars())
    assert stored == [1, 2]


async def test_waits_for_another_writers_lock_then_commits(engine: AsyncEngine, tmp_path: Path) -> None:
    writer = WriteQueue(engine)
    await writer.start()
    other = sqlite3.connect(tmp_path / "w.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        pending = asyncio.ensure_future(writer.run(_put(7)))
        # Loop turns, no wall time: the writer takes its batch within a dozen turns, finds
        # the lock held and waits for it; the write cannot be answered while the lock is held.
        for _ in range(50):
            await asyncio.sleep(0)
        assert not pending.done()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await asyncio.wait_for(pending, 10) == 7
    await writer.stop()
    assert await _count(engine) == 1


async def test_a_write_lock_held_too_long_is_unavailable_and_changes_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    writer = WriteQueue(engine, busy_timeout_s=0.2)
    await writer.start()
    other = sqlite3.connect(tmp_path / "w.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DomainError) as refused:
            await writer.run(_put(1))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert refused.value.kind is ErrorKind.UNAVAILABLE
    assert refused.value.reason == "DATABASE_BUSY"
    assert await writer.run(_put(2)) == 2  # the writer recovers once the lock is free
    await writer.stop()
    async with engine.connect() as connection:
        assert list((await connection.execute(select(items.c.n))).scalars()) == [2]


async def test_abandon_answers_every_caller_now_drops_the_queued_and_lets_the_batch_finish(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    writer = WriteQueue(engine)
    await writer.start()
    # Another process holds the write lock, so the first batch waits for it as on a hung database.
    holder = sqlite3.connect(tmp_path / "w.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    followed: list[int] = []
    try:
        writing = writer.enqueue(_put(1), follow=followed.append)
        await eventually(lambda: writer.writing == 1, timeout_s=5)  # its batch waits for the lock
        queued = writer.enqueue(_put(2))
        gone = DomainError(ErrorKind.UNAVAILABLE, "DATABASE_UNAVAILABLE", "gone")
        assert writer.abandon(gone) == 2
        for future in (writing, queued):
            with pytest.raises(DomainError) as refused:
                await asyncio.wait_for(future, 1)
            assert refused.value is gone
        assert writer.backlog == 1  # only the batch being written
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    await writer.stop()
    # The batch under way committed once the lock was free, and its follow-up ran; the queued never ran.
    assert followed == [1]
    assert await _count(engine) == 1


async def test_a_lone_caller_never_waits_for_company(engine: AsyncEngine) -> None:
    # A long limit: a wait would show in the count, and would hold the test for 30 s a batch.
    writer = WriteQueue(engine, gather_s=30)
    await writer.start()
    try:
        for n in range(20):
            await writer.run(_put(n))
    finally:
        await writer.stop()
    assert writer.batches == 20 and writer.gathered == 0


async def test_a_batch_waits_for_the_caller_the_last_one_answered(engine: AsyncEngine) -> None:
    # A long limit, so the test does not race it: the wait ends when the caller is back.
    writer = WriteQueue(engine, gather_s=30)
    await writer.start()
    others: list[asyncio.Future[int]] = []

    def first(connection: Connection) -> int:
        # Another caller arrives while this batch is written.
        others.append(writer.enqueue(_put(2)))
        return int(_put(1)(connection))

    try:
        await writer.run(first)
        # Back only once the queued write is waiting for company: the wait must end when it comes.
        await eventually(lambda: writer.gathered == 1)
        again = writer.run(_put(3))
        assert await again == 3 and await others[0] == 2
    finally:
        await writer.stop()
    # The queued write waited for the caller the first batch answered: one batch for both.
    assert writer.batches == 2 and writer.gathered == 1
    assert await _count(engine) == 3
