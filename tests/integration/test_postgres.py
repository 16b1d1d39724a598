"""The central on a real PostgreSQL: the hot paths, concurrency and the branch stream.

SQLite runs prepared statements on its driver directly; PostgreSQL takes the
SQLAlchemy path and the async writer session, which these tests exercise.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import grpc
import pytest

from central.testing import RunningCentral, running_central
from generated.distribution.v1 import cart_pb2
from tests.helpers import (
    Stubs,
    add,
    checkout,
    fails,
    jam_and_tea_ordered_twice,
    open_month_with,
    register,
    status,
)
from tests.integration.test_branch_ledger import revenue, sale, stream
from tests.postgres import fresh_database

BUYERS, UNITS = 40, 15


@pytest.fixture
async def central(server: str) -> AsyncIterator[RunningCentral]:
    """A central on a fresh database of the worker's server."""
    url = await fresh_database(server, "central")
    async with running_central(db_url=url, branch_keys={"north": "north-key"}) as rc:
        yield rc


def _raw(rc: RunningCentral) -> str:
    return rc.central.settings.db_url.replace("postgresql+asyncpg", "postgresql")


async def test_reserve_checkout_replay_and_release(central: RunningCentral) -> None:
    stubs = Stubs.on(central.channel)
    lines = await open_month_with(central, stubs, {"jam": 2, "tea": 10})
    ann = await jam_and_tea_ordered_twice(stubs, lines, "postgres-key-1")
    await add(stubs, ann, lines["tea"], 3)
    released = await stubs.cart.RemoveCartItem(
        cart_pb2.RemoveCartItemRequest(stock_line_id=lines["tea"]), metadata=ann, timeout=10
    )
    assert released.released_quantity == 3
    counters = {
        line.product: (line.reserved, line.sold) for line in (await status(central, stubs)).stock_lines
    }
    assert counters == {"jam": (0, 2), "tea": (0, 1)}
    db = await asyncpg.connect(_raw(central), timeout=30)
    try:
        depleted = await db.fetchval(
            "SELECT depleted_at IS NOT NULL FROM stock_lines WHERE stock_line_id = $1", lines["jam"]
        )
        notices = await db.fetchval("SELECT count(*) FROM notifications WHERE kind = 'depletion'")
    finally:
        await db.close()
    assert depleted and notices == 1


async def test_concurrent_buyers_never_oversell(central: RunningCentral) -> None:
    stubs = Stubs.on(central.channel)
    lines = await open_month_with(central, stubs, {"hot": UNITS, "other": 5})
    buyers = await asyncio.gather(*(register(stubs, f"buyer-{i}") for i in range(BUYERS)))

    async def buy(index: int) -> int:
        try:
            await add(stubs, buyers[index], lines["hot"], 1)
        except grpc.aio.AioRpcError:
            return 0
        reply = await checkout(stubs, buyers[index], f"postgres-buyer-{index:04d}")
        return sum(line.quantity for line in reply.order.lines)

    bought = await asyncio.gather(*(buy(i) for i in range(BUYERS)))
    assert sum(bought) == UNITS
    db = await asyncpg.connect(_raw(central), timeout=30)
    try:
        offered, reserved, sold = await db.fetchrow(
            "SELECT offered, reserved, sold FROM stock_lines WHERE stock_line_id = $1", lines["hot"]
        )
        moves = dict(
            await db.fetch(
                "SELECT kind, sum(quantity) FROM stock_movements WHERE stock_line_id = $1 GROUP BY kind",
                lines["hot"],
            )
        )
        orders = await db.fetchval("SELECT count(*) FROM orders WHERE total_cents > 0")
    finally:
        await db.close()
    assert (offered, reserved, sold) == (UNITS, 0, UNITS)
    assert moves["sold"] == UNITS == orders


async def test_branch_sales_are_committed_once_and_in_order(central: RunningCentral) -> None:
    resume, acks = await stream(central, [sale(n) for n in range(1, 151)] + [sale(150)])
    assert resume == 0
    assert [a.sequence for a in acks] == [*range(1, 151), 150]
    assert acks[-1].duplicate
    resume, _ = await stream(central, [])
    assert resume == 150
    # A reused id, usually inside a run: its savepoint undoes the run, one by one finds it.
    refused = await fails(stream(central, [sale(151), sale(152, tid="north-1"), sale(153)]))
    assert refused.reason == "TRANSACTION_ID_REUSED"
    resume, _ = await stream(central, [])
    assert resume == 151
    (day,) = await revenue(central)
    assert day.transaction_count == 151
