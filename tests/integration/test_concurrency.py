"""Many buyers on one hot line through the real server: no oversell, nothing negative, audit trail adds up."""

from __future__ import annotations

import asyncio
import sqlite3

import grpc

from central.testing import RunningCentral
from generated.distribution.v1 import catalog_pb2
from nodekit.status import from_rpc_error
from tests.helpers import Stubs, add, checkout, open_month_with, register, status

BUYERS = 120
UNITS = 50


async def test_hot_line_sells_exactly_what_was_offered(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"hot": UNITS})
    line_id = lines["hot"]
    buyers = await asyncio.gather(*(register(stubs, f"buyer-{i}") for i in range(BUYERS)))
    seen_available: list[int] = []
    watcher_md = buyers[0]
    watch = stubs.catalog.WatchCatalog(catalog_pb2.WatchCatalogRequest(), metadata=watcher_md, timeout=60)

    async def observe() -> None:
        async for update in watch:
            seen_available.extend(line.available for line in update.stock_lines)

    observer = asyncio.create_task(observe())
    start = asyncio.Event()
    refusals: list[str] = []

    async def buy(index: int) -> int:
        await start.wait()
        try:
            await add(stubs, buyers[index], line_id, 1)
        except grpc.aio.AioRpcError as error:
            refusals.append(from_rpc_error(error).reason)
            return 0
        reply = await checkout(stubs, buyers[index], f"hot-line-buyer-{index}")
        return sum(line.quantity for line in reply.order.lines)

    tasks = [asyncio.create_task(buy(i)) for i in range(BUYERS)]
    start.set()
    bought = await asyncio.gather(*tasks)
    watch.cancel()
    await asyncio.gather(observer, return_exceptions=True)

    assert sum(bought) == UNITS == min(BUYERS, UNITS)
    # Refused while the units were held, or after the last sale closed the month (sold out).
    assert len(refusals) == BUYERS - UNITS
    assert "INSUFFICIENT_STOCK" in refusals
    assert set(refusals) <= {"INSUFFICIENT_STOCK", "MONTH_NOT_OPEN"}
    month = await status(rc, stubs)
    (line,) = month.stock_lines
    assert (line.offered, line.reserved, line.sold, line.available) == (UNITS, 0, UNITS, 0)
    assert month.order_count == UNITS
    assert seen_available and min(seen_available) >= 0

    with sqlite3.connect(rc.db_path) as db:
        offered, reserved, sold = db.execute(
            "SELECT offered, reserved, sold FROM stock_lines WHERE stock_line_id = ?", (line_id,)
        ).fetchone()
        moves = dict(
            db.execute(
                "SELECT kind, SUM(quantity) FROM stock_movements WHERE stock_line_id = ? GROUP BY kind",
                (line_id,),
            ).fetchall()
        )
        ordered = db.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE bought = 1"
        ).fetchone()[0]
    assert moves.get("offered") == offered
    assert moves.get("sold", 0) == sold == ordered
    reserved_by_moves = (
        moves.get("reserved", 0) - moves.get("released", 0) - moves.get("expired", 0) - moves.get("sold", 0)
    )
    assert reserved_by_moves == reserved == 0
