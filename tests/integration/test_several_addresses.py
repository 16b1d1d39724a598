"""One channel to two centrals: calls spread over both, and fail over to the one left when one stops.

Each central has its own SQLite file: what is tested is the channel (round robin, failover,
streams reconnecting to a live central), not data shared between centrals.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest

from branch_node.node import start_branch
from central.testing import RunningCentral, running_central
from customer_node.catalog import CatalogView
from customer_node.follow import CatalogFollower
from customer_node.session import Session
from manufacturer_node.catalog import LineSpec
from manufacturer_node.desk import Desk
from manufacturer_node.link import CentralLink
from manufacturer_node.plant import Plant
from nodekit.channel import open_channel
from nodekit.ports import free_port
from tests.branch_helpers import branch_settings, open_month_with_stock
from tests.helpers import Stubs, assert_eventually, register

REPO = Path(__file__).resolve().parents[2]
MAKER, MAKER_KEY = "Acme Foods", "acme-key"
BRANCH_KEYS = {"north": "north-key"}
FAILOVER_S = 15.0


@dataclass
class Pair:
    """Two centrals and one channel to both."""

    a: RunningCentral
    b: RunningCentral
    channel: grpc.aio.Channel

    def other(self, rc: RunningCentral) -> RunningCentral:
        """The central that is not ``rc``."""
        return self.b if rc is self.a else self.a


@contextlib.asynccontextmanager
async def _pair(tmp_path: Path) -> AsyncIterator[Pair]:
    overrides: dict[str, Any] = {"manufacturer_keys": {MAKER: MAKER_KEY}, "branch_keys": BRANCH_KEYS}
    async with (
        running_central(tmp_path / "a.sqlite3", **overrides) as a,
        running_central(tmp_path / "b.sqlite3", **overrides) as b,
    ):
        channel = open_channel(f"{a.address},{b.address}")
        try:
            yield Pair(a, b, channel)
        finally:
            await channel.close()


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[Pair]:
    """Two in-process centrals, each on its own SQLite file, and a round-robin channel to both."""
    async with _pair(tmp_path) as running:
        yield running


def customers(rc: RunningCentral) -> int:
    """Customers registered at ``rc``, read from its database."""
    with contextlib.closing(sqlite3.connect(rc.db_path)) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM customers").fetchone()[0])


async def kill(rc: RunningCentral) -> None:
    """Stops serving at once: open calls and streams end, new connections are refused."""
    await rc.central.server.stop(0)


async def test_unary_calls_spread_over_both_centrals(pair: Pair) -> None:
    stubs = Stubs.on(pair.channel)

    async def both_in_rotation() -> None:
        await register(stubs, "warm-up")
        assert customers(pair.a) > 0 and customers(pair.b) > 0

    await assert_eventually(both_in_rotation, FAILOVER_S)
    before = customers(pair.a), customers(pair.b)
    for number in range(20):
        await register(stubs, f"shopper-{number}")
    spread = customers(pair.a) - before[0], customers(pair.b) - before[1]
    assert sum(spread) == 20
    assert min(spread) >= 8, spread


async def test_calls_keep_succeeding_on_the_other_central_after_one_stops(pair: Pair) -> None:
    stubs = Stubs.on(pair.channel)

    async def both_in_rotation() -> None:
        await register(stubs, "warm-up")
        assert customers(pair.a) > 0 and customers(pair.b) > 0

    await assert_eventually(both_in_rotation, FAILOVER_S)
    await kill(pair.a)
    left = customers(pair.b)
    started = time.monotonic()

    async def ten_in_a_row() -> None:
        try:
            for number in range(10):
                await register(stubs, f"after-{number}")
        except grpc.aio.AioRpcError as error:
            raise AssertionError(f"a call failed: {error.code().name}") from error

    await assert_eventually(ten_in_a_row, FAILOVER_S)
    assert time.monotonic() - started < FAILOVER_S
    assert customers(pair.b) >= left + 10


async def test_the_manufacturer_link_reconnects_to_the_live_central(pair: Pair) -> None:
    plant = Plant([LineSpec("Acme Tea", 300, 0.0, 100)])
    link = CentralLink(pair.channel, MAKER_KEY, plant, Desk(plant, month_seconds=6.0), give_up_s=30)
    linking = asyncio.create_task(link.run())

    async def linked_at(rc: RunningCentral) -> bool:
        return any(entry.connected for entry in await rc.central.links.links())

    try:
        await asyncio.wait_for(link.connected.wait(), 10)
        holder = pair.a if await linked_at(pair.a) else pair.b
        assert await linked_at(holder)
        await kill(holder)

        async def linked_at_the_other() -> None:
            assert link.connections == 2
            assert await linked_at(pair.other(holder))

        await assert_eventually(linked_at_the_other, FAILOVER_S)
    finally:
        linking.cancel()
        await asyncio.gather(linking, return_exceptions=True)


async def test_the_catalog_watch_reconnects_to_the_live_central(pair: Pair) -> None:
    # Each central sells its own product, so the view shows which central the watch is on.
    products = {id(pair.a): "apple", id(pair.b): "pear"}
    for rc in (pair.a, pair.b):
        await open_month_with_stock(rc.channel, rc.operator_token, {products[id(rc)]: (10, 100)})
    session = Session(pair.channel, timeout_s=5)
    session.use_token(pair.a.operator_token)
    follower = CatalogFollower(session, CatalogView(), watch_timeout_s=60)
    following = asyncio.create_task(follower.run())

    def shown() -> set[str]:
        return {line.product for line in follower.view.lines()}

    try:

        async def watching() -> None:
            assert len(shown()) == 1

        await assert_eventually(watching, 10)
        holder = pair.a if shown() == {"apple"} else pair.b
        await kill(holder)

        async def watching_the_other() -> None:
            assert shown() == {products[id(pair.other(holder))]}

        await assert_eventually(watching_the_other, FAILOVER_S)
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)


async def test_the_sales_stream_reconnects_to_the_live_central(tmp_path: Path) -> None:
    # The second central starts once the stream is up on the first: the stream's central is known.
    later = f"127.0.0.1:{free_port()}"
    overrides: dict[str, Any] = {"branch_keys": BRANCH_KEYS}
    async with running_central(tmp_path / "a.sqlite3", **overrides) as a:
        branch = await start_branch(branch_settings(f"{a.address},{later}", tmp_path / "north.sqlite3"))
        try:

            async def streaming() -> None:
                assert branch.stream.sessions == 1

            await assert_eventually(streaming, 10)
            port = int(later.rpartition(":")[2])
            async with running_central(tmp_path / "b.sqlite3", port=port, **overrides) as b:
                stubs = Stubs.on(branch.channel)

                async def b_in_rotation() -> None:
                    await register(stubs, "warm-up")
                    assert customers(b) > 0

                await assert_eventually(b_in_rotation, FAILOVER_S)
                await kill(a)

                async def streaming_to_b() -> None:
                    assert branch.stream.sessions == 2

                await assert_eventually(streaming_to_b, FAILOVER_S)
                await branch.stop()
        finally:
            for task in branch.tasks:
                task.cancel()


@pytest.mark.parametrize("module", ["customer_node", "manufacturer_node", "branch_node", "operator_cli"])
async def test_a_malformed_central_exits_2_at_once_with_one_line(module: str, tmp_path: Path) -> None:
    # Which values are malformed is the parser's unit test; this is each node's start-up.
    address = "127.0.0.1:50051,nonsense"
    argv = {
        "customer_node": ["--name", "ann"],
        "manufacturer_node": ["--name", MAKER, "--key", MAKER_KEY],
        "branch_node": ["--name", "north", "--key", "north-key", "--db", str(tmp_path / "n.sqlite3")],
        "operator_cli": ["status"],
    }[module]
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        "--central",
        address,
        *argv,
        cwd=REPO,
        env={**os.environ, "DISTRIBUTION_OPERATOR_KEY": "k"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert (process.returncode, out) == (2, b"")
    lines = err.decode().splitlines()
    assert len(lines) == 1, lines
    assert f"--central expects HOST:PORT[,HOST:PORT...]; got {address!r}" in lines[0]
    assert time.monotonic() - started < 10
