"""Stopping the real central under load: calls in flight get their real answers, streams end at once."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from typing import Any

import grpc
import pytest

from central.testing import running_central
from generated.distribution.v1 import branch_pb2_grpc, cart_pb2, catalog_pb2, catalog_pb2_grpc
from nodekit.auth import bearer_metadata
from nodekit.status import from_rpc_error
from tests.helpers import Stubs, assert_eventually, next_reply, open_month_with, register

WORKERS = 24


async def test_calls_in_flight_at_shutdown_are_answered_and_new_ones_told_unavailable() -> None:
    async with running_central(drain_grace_s=5.0) as rc:
        stubs = Stubs.on(rc.channel)
        lines = await open_month_with(rc, stubs, {"bolts": 1_000_000})
        buyers = [await register(stubs, f"b{n}") for n in range(WORKERS)]
        added = Counter[int]()
        endings: list[tuple[grpc.StatusCode, str]] = []

        async def buy(n: int) -> None:
            request = cart_pb2.AddCartItemRequest(stock_line_id=lines["bolts"], quantity=1)
            while True:
                try:
                    await stubs.cart.AddCartItem(request, metadata=buyers[n], timeout=10)
                except grpc.aio.AioRpcError as error:
                    endings.append((error.code(), from_rpc_error(error).reason))
                    return
                added[n] += 1

        workers = [asyncio.create_task(buy(n)) for n in range(WORKERS)]

        async def busy() -> None:
            assert sum(added.values()) >= 200

        await assert_eventually(busy, timeout_s=30)
        await rc.central.stop()
        await asyncio.wait_for(asyncio.gather(*workers), timeout=10)

        # Every worker heard UNAVAILABLE, none CANCELLED, and every OK it heard is in the database.
        assert len(endings) == WORKERS
        assert {code for code, _ in endings} == {grpc.StatusCode.UNAVAILABLE}, endings
        with sqlite3.connect(rc.db_path) as db:
            reserved = dict(
                db.execute(
                    "SELECT c.name, SUM(r.quantity) FROM reservations r"
                    " JOIN customers c USING (customer_id) GROUP BY c.name"
                ).fetchall()
            )
            (line_reserved,) = db.execute("SELECT reserved FROM stock_lines").fetchone()
        assert {f"b{n}": added[n] for n in range(WORKERS) if added[n]} == reserved
        assert line_reserved == sum(added.values())


async def test_open_streams_end_at_once_when_the_central_stops() -> None:
    async with running_central(drain_grace_s=5.0, branch_keys={"north": "north-key-123"}) as rc:
        stubs = Stubs.on(rc.channel)
        ann = await register(stubs, "ann")
        watch = catalog_pb2_grpc.CatalogServiceStub(rc.channel).WatchCatalog(
            catalog_pb2.WatchCatalogRequest(), metadata=ann, timeout=30
        )
        assert (await next_reply(watch)).snapshot
        sales: Any = branch_pb2_grpc.BranchServiceStub(rc.channel).StreamSales(
            metadata=bearer_metadata("north-key-123"), timeout=30
        )
        await sales.read()

        started = time.monotonic()
        await rc.central.stop()
        # The quiet period after the last call, not the 5 s grace.
        assert time.monotonic() - started < 2.0
        with pytest.raises(grpc.aio.AioRpcError) as ended:
            await watch.read()
        assert (ended.value.code(), from_rpc_error(ended.value).reason) == (
            grpc.StatusCode.UNAVAILABLE,
            "SHUTTING_DOWN",
        )
        # The branch's stream ends as if it were done sending: everything acknowledged was committed.
        assert await sales.read() is grpc.aio.EOF
        assert await sales.code() == grpc.StatusCode.OK
