"""A manufacturer is never both skipped and on sale: the open and a late offer agree (SQLite, PostgreSQL).

The collector decides who is skipped before the month opens; an offer can still be recorded
after it looked (another central records it, or it arrives once the month is open). The open
leaves out every name with stock lines, and an offer recorded into an open month takes its
name off the list, under the month row's lock, so either order of the two commits ends agreeing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from central.domain.stock import OfferLineInput
from central.storage.month_rows import begin_month, mark_open
from central.storage.schema import metadata, months, stock_lines
from central.storage.stock_rows import record_offer
from launcher.postgres.server import fresh_database, raw_url
from nodekit.db.schema import create_schema
from nodekit.timestamps import utcnow
from tests.helpers import assert_eventually

BOLTS = [OfferLineInput("bolts", 10, 250)]


def _begin(connection: Connection) -> int:
    now = utcnow()
    return begin_month(connection, 0, 0, now, now + timedelta(seconds=2))


def _offer(connection: Connection, name: str, month: int) -> None:
    record_offer(connection, name, month, BOLTS, utcnow())


def _skipped_and_on_sale(connection: Connection, month: int) -> tuple[list[str], int]:
    text = connection.execute(
        select(months.c.skipped_manufacturers).where(months.c.month == month)
    ).scalar_one()
    lines = connection.execute(select(stock_lines.c.stock_line_id).where(stock_lines.c.month == month)).all()
    return [n for n in text.split("\n") if n], len(lines)


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'central.sqlite3'}")
    await create_schema(engine, metadata)
    yield engine
    await engine.dispose()


async def test_the_open_leaves_out_a_name_whose_offer_is_recorded(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.begin() as connection:
        month = await connection.run_sync(_begin)
        await connection.run_sync(_offer, "Acme", month)
    async with sqlite_engine.begin() as connection:
        # The collector did not see Acme's offer in time, nor anything from Borealis.
        recorded = await connection.run_sync(mark_open, month, ["Acme", "Borealis"])
    assert recorded == ["Borealis"]
    async with sqlite_engine.connect() as connection:
        assert await connection.run_sync(_skipped_and_on_sale, month) == (["Borealis"], 1)


async def test_an_offer_into_the_open_month_takes_its_name_off(
    sqlite_engine: AsyncEngine,
) -> None:
    async with sqlite_engine.begin() as connection:
        month = await connection.run_sync(_begin)
        assert await connection.run_sync(mark_open, month, ["Acme", "Borealis"]) == ["Acme", "Borealis"]
    async with sqlite_engine.begin() as connection:
        await connection.run_sync(_offer, "Acme", month)
    async with sqlite_engine.connect() as connection:
        assert await connection.run_sync(_skipped_and_on_sale, month) == (["Borealis"], 1)


async def _waits_on_a_lock(dsn: str, application_name: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        waiting = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
            application_name,
        )
    finally:
        await connection.close()
    assert waiting, f"{application_name} is not waiting on a lock"


async def test_an_offer_racing_the_open_on_postgresql_ends_on_sale_and_not_skipped(server: str) -> None:
    url = await fresh_database(server, f"skipped_{uuid.uuid4().hex[:6]}")
    opener = create_async_engine(url)
    recorder = create_async_engine(url, connect_args={"server_settings": {"application_name": "late-offer"}})
    try:
        await create_schema(opener, metadata)
        async with opener.begin() as connection:
            month = await connection.run_sync(_begin)
        # The open has written its skipped list (Acme had not answered) and not committed yet,
        # when another central records Acme's offer.
        async with opener.connect() as open_connection:
            transaction = await open_connection.begin()
            assert await open_connection.run_sync(mark_open, month, ["Acme"]) == ["Acme"]

            async def record() -> None:
                async with recorder.begin() as connection:
                    await connection.run_sync(_offer, "Acme", month)

            offer = asyncio.create_task(record())
            await assert_eventually(lambda: _waits_on_a_lock(raw_url(url), "late-offer"), timeout_s=20)
            await transaction.commit()
        await asyncio.wait_for(offer, 20)
        async with opener.connect() as connection:
            assert await connection.run_sync(_skipped_and_on_sale, month) == ([], 1)
    finally:
        await opener.dispose()
        await recorder.dispose()
