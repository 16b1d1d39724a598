"""The PostgreSQL writer: BEGIN sent with the row locks, a failed batch rolled back, the pool as found.

Also its adaptive gather: a lone caller never waits; callers in a loop may.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db.batch import BatchHooks
from nodekit.db.engine import create_engine
from nodekit.db.writer import WriteQueue
from tests.helpers import eventually
from tests.postgres import fresh_database

meta = MetaData()
slots = Table(
    "slots", meta, Column("id", Integer, primary_key=True), Column("count", Integer, nullable=False)
)


@pytest.fixture
async def engine(server: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(await fresh_database(server, "session"))
    async with engine.begin() as connection:
        await connection.run_sync(meta.create_all)
        await connection.execute(slots.insert(), [{"id": i, "count": 0} for i in range(1, 5)])
    yield engine
    await engine.dispose()


class LockLog:
    """Row-lock hooks that say which way the locks were taken."""

    def __init__(self) -> None:
        self.by_statement: list[list[int]] = []
        self.by_text: list[list[int]] = []

    def lock_rows(self, connection: Connection, keys: Sequence[int]) -> None:
        self.by_statement.append(list(keys))
        connection.execute(
            select(slots.c.id).where(slots.c.id.in_(keys)).order_by(slots.c.id).with_for_update()
        )

    def lock_text(self, keys: Sequence[int]) -> str:
        self.by_text.append(list(keys))
        ids = ",".join(str(int(key)) for key in keys)
        return f"SELECT id FROM slots WHERE id IN ({ids}) ORDER BY id FOR UPDATE"

    def hooks(self) -> BatchHooks:
        return BatchHooks(lock_rows=self.lock_rows, lock_text=self.lock_text)


def _bump(slot: int) -> Callable[[Connection], int]:
    def bump(connection: Connection) -> int:
        # The lock sent with BEGIN wrote the rows' lock marks: the transaction has an id already.
        assigned = connection.execute(text("SELECT txid_current_if_assigned()")).scalar()
        assert assigned is not None
        connection.execute(update(slots).where(slots.c.id == slot).values(count=slots.c.count + 1))
        return int(assigned)

    return bump


async def _counts(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(slots.c.count).order_by(slots.c.id))
        return [count for (count,) in rows]


async def test_the_locks_travel_with_begin_and_the_batch_is_one_transaction(engine: AsyncEngine) -> None:
    log = LockLog()
    writer = WriteQueue(engine, hooks=log.hooks())
    await writer.start()
    try:
        ids = await asyncio.gather(*(writer.run(_bump(slot), locks=[slot]) for slot in (3, 1, 2)))
    finally:
        await writer.stop()
    assert writer.batches == 1 and len(set(ids)) == 1  # one transaction for the three
    assert log.by_text == [[1, 2, 3]] and log.by_statement == []  # sorted, sent with BEGIN
    assert await _counts(engine) == [1, 1, 1, 0]


async def test_a_failed_batch_is_rolled_back_and_the_next_commits(engine: AsyncEngine) -> None:
    writer = WriteQueue(engine, hooks=LockLog().hooks())
    await writer.start()

    def too_big(connection: Connection) -> None:
        connection.execute(update(slots).where(slots.c.id == 4).values(count=2**40))

    try:
        answers = await asyncio.gather(
            writer.run(_bump(1), locks=[1]), writer.run(too_big, locks=[4]), return_exceptions=True
        )
        assert isinstance(answers[1], DBAPIError) and isinstance(answers[0], int)  # run again alone
        await writer.run(_bump(2), locks=[2])
    finally:
        await writer.stop()
    assert await _counts(engine) == [1, 1, 0, 0]


async def test_the_writers_connection_goes_back_to_the_pool_with_transactions(engine: AsyncEngine) -> None:
    writer = WriteQueue(engine, hooks=LockLog().hooks())
    await writer.start()
    await writer.run(_bump(1), locks=[1])
    await writer.stop()
    # Every pooled connection, the writer's among them, still opens a transaction that a rollback undoes.
    connections = [await engine.connect() for _ in range(3)]
    try:
        for connection in connections:
            await connection.execute(update(slots).where(slots.c.id == 3).values(count=slots.c.count + 1))
            await connection.rollback()
    finally:
        for connection in connections:
            await connection.close()
    async with engine.connect() as connection:
        assert await connection.scalar(select(func.sum(slots.c.count))) == 1


async def test_a_lone_caller_never_waits_for_company(engine: AsyncEngine) -> None:
    writer = WriteQueue(engine, hooks=LockLog().hooks())
    await writer.start()
    try:
        for _ in range(20):
            await writer.run(_bump(1), locks=[1])
    finally:
        await writer.stop()
    assert writer.batches == 20 and writer.gathered == 0


async def test_a_batch_waits_for_the_callers_the_last_one_answered(engine: AsyncEngine) -> None:
    # A long limit, so the test does not race it: the wait ends when the caller is back.
    writer = WriteQueue(engine, hooks=LockLog().hooks(), gather_s=30)
    await writer.start()
    others: list[asyncio.Future[int]] = []

    def first(connection: Connection) -> int:
        # Another caller arrives while this batch is written.
        others.append(writer.enqueue(_bump(2), locks=[2]))
        return _bump(1)(connection)

    try:
        await writer.run(first, locks=[1])
        # Back only once the queued write is waiting for company: the wait must end when it comes.
        await eventually(lambda: writer.gathered == 1)
        again = writer.run(_bump(1), locks=[1])
        assert await again == await others[0]  # one transaction: the queued one waited for it
    finally:
        await writer.stop()
    assert writer.batches == 2 and writer.gathered == 1
    assert await _counts(engine) == [2, 1, 0, 0]
