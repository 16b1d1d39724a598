"""Prepared statements on asyncpg store and read what SQLAlchemy itself would, and fail as it would.

Also the writer's piped operations: one round trip for a batch's statements, each caller its own row.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db import prepared
from nodekit.db.batch import Piped
from nodekit.db.engine import create_engine
from nodekit.db.prepared import Prepared
from nodekit.db.types import UtcDateTime
from nodekit.db.writer import WriteQueue
from nodekit.errors import DomainError, ErrorKind
from tests.postgres import fresh_database

meta = MetaData()
things = Table(
    "things",
    meta,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(20), nullable=False),
    Column("flag", Boolean, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("count", Integer, nullable=False),
)
INSERT = prepared.prepared_insert(things)
READ = Prepared(select(things.c.name, things.c.flag, things.c.at).where(things.c.id == bindparam("thing")))
BUMP = Prepared(
    update(things)
    .where(things.c.id == bindparam("thing"), things.c.name == "same")
    .values(count=things.c.count + bindparam("by"))
    .returning(things.c.count)
)
# The same, each row ending with its thing's id: whose row it is when many are sent at once.
TAGGED_BUMP = Prepared(
    update(things)
    .where(things.c.id == bindparam("thing"), things.c.name == "same")
    .values(count=things.c.count + bindparam("by"))
    .returning(things.c.count, things.c.id)
)
MOMENT = datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture
async def engine(server: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(await fresh_database(server, "prepared"))
    async with engine.begin() as connection:
        await connection.run_sync(meta.create_all)
    yield engine
    await engine.dispose()


def _row(i: int) -> dict[str, object]:
    return {"id": i, "name": "same", "flag": True, "at": MOMENT, "count": 1}


async def test_the_driver_path_stores_and_reads_what_sqlalchemy_does(engine: AsyncEngine) -> None:
    def write_and_read(connection: Connection) -> None:
        connection.execute(insert(things).values(**_row(1)))
        INSERT.execute(connection, _row(2))
        INSERT.execute_many(connection, [_row(3), _row(4)])
        stored = connection.execute(select(things.c.name, things.c.flag, things.c.at, things.c.count)).all()
        assert len(stored) == 4 and len(set(stored)) == 1  # identical rows, whichever path wrote them
        assert READ.rows(connection, {"thing": 3}) == [("same", True, MOMENT.astimezone(UTC))]
        assert READ.first(connection, {"thing": 99}) is None
        assert BUMP.first(connection, {"thing": 1, "by": 5}) == (6,)
        assert BUMP.execute(connection, {"thing": 2, "by": 1}) == 1
        connection.execute(update(things).values(name="other"))
        assert BUMP.first(connection, {"thing": 1, "by": 5}) is None  # the literal 'same' is bound too
        assert BUMP.execute(connection, {"thing": 1, "by": 5}) == 0

    async with engine.begin() as connection:
        await connection.run_sync(write_and_read)
    assert INSERT._asyncpg is not None  # it did take the driver path


async def test_the_first_statement_begins_the_transaction_and_a_rollback_undoes_it(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(lambda c: INSERT.execute(c, _row(1)))
        await connection.rollback()
    async with engine.connect() as connection:
        assert await connection.run_sync(lambda c: READ.first(c, {"thing": 1})) is None


async def test_a_driver_error_arrives_as_sqlalchemys_with_its_sqlstate(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(lambda c: INSERT.execute(c, _row(1)))
        with pytest.raises(IntegrityError) as raised:
            await connection.run_sync(lambda c: INSERT.execute(c, _row(1)))
        assert isinstance(raised.value, DBAPIError)
        assert getattr(raised.value.orig, "sqlstate", None) == "23505"  # unique violation


def _bumped(connection: Connection, params: Mapping[str, object], row: tuple[object, ...] | None) -> object:
    if row is None:
        raise DomainError(
            ErrorKind.FAILED_PRECONDITION, "NOT_SAME", f"thing {params['thing']} is not the same"
        )
    return row[0]


def _bump(thing: int, by: int) -> tuple[Callable[[Connection], object], Piped[object]]:
    """The plain operation and its piped form; the plain one tells it ran by adding a thousand more."""
    params = {"thing": thing, "by": by}

    def plain(connection: Connection) -> object:
        return _bumped(connection, params, TAGGED_BUMP.first(connection, {**params, "by": by + 1000}))

    return plain, Piped(TAGGED_BUMP, lambda: params, "thing", _bumped)


async def _run_together(writer: WriteQueue, bumps: list[tuple[int, int]]) -> list[object]:
    calls = [writer.run(plain, piped=piped) for plain, piped in (_bump(t, by) for t, by in bumps)]
    return await asyncio.gather(*calls, return_exceptions=True)


async def test_piped_operations_go_together_and_each_caller_gets_its_own_row(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        rows = [_row(1), {**_row(2), "name": "other"}, _row(3), _row(4)]
        await connection.run_sync(lambda c: INSERT.execute_many(c, rows))
    writer = WriteQueue(engine)
    await writer.start()
    try:
        answers = await _run_together(writer, [(1, 10), (2, 10), (3, 20), (4, 30)])
        assert writer.batches == 1
        assert answers[0] == 11 and answers[2] == 21 and answers[3] == 31  # piped: not the plain path's +1000
        assert isinstance(answers[1], DomainError) and answers[1].reason == "NOT_SAME"
        # Alone in its batch, an operation runs plain.
        assert await _run_together(writer, [(1, 1)]) == [1012]
    finally:
        await writer.stop()


async def test_a_failing_pipeline_runs_each_operation_alone(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(lambda c: INSERT.execute_many(c, [_row(1), _row(2)]))
    writer = WriteQueue(engine)
    await writer.start()
    try:
        # 2**40 does not fit the integer column: that statement fails, and with it the batch's pipeline.
        answers = await _run_together(writer, [(1, 10), (2, 2**40)])
        assert answers[0] == 1011  # run again alone, plain
        assert isinstance(answers[1], DBAPIError)
    finally:
        await writer.stop()
    async with engine.connect() as connection:
        counts = await connection.run_sync(
            lambda c: c.execute(select(things.c.count).order_by(things.c.id)).all()
        )
    assert [count for (count,) in counts] == [1011, 1]


async def test_what_was_queued_ahead_of_piped_operations_runs_first(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(lambda c: INSERT.execute_many(c, [_row(1), {**_row(2), "name": "other"}]))
    writer = WriteQueue(engine)
    await writer.start()

    def make_the_same(connection: Connection) -> None:
        connection.execute(update(things).where(things.c.id == 2).values(name="same"))

    try:
        (plain_1, piped_1), (plain_2, piped_2) = _bump(1, 10), _bump(2, 10)
        answers = await asyncio.gather(
            writer.run(make_the_same), writer.run(plain_1, piped=piped_1), writer.run(plain_2, piped=piped_2)
        )
        assert writer.batches == 1
        assert list(answers[1:]) == [11, 11]  # thing 2 was made the same before the bumps were sent
    finally:
        await writer.stop()
