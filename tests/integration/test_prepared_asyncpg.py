"""Prepared statements on asyncpg store and read what SQLAlchemy itself would, and fail as it would."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db import prepared
from nodekit.db.engine import create_engine
from nodekit.db.prepared import Prepared
from nodekit.db.types import UtcDateTime

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
MOMENT = datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture
async def engine(server: str) -> AsyncIterator[AsyncEngine]:
    name = f"prepared_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server.replace("postgresql+asyncpg", "postgresql"), timeout=30)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    engine = create_engine(server.rsplit("/", 1)[0] + f"/{name}")
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
