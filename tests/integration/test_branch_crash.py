"""The sales stream across a central killed with SIGKILL mid-stream: nothing missing, nothing twice."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

from sqlalchemy import select, update

from branch_node import sales_outbox, stock
from branch_node.model import PAYMENT_METHODS
from branch_node.node import Branch, start_branch
from branch_node.storage.schema import inventory, outbox, transactions
from branch_node.till import Till, sell
from central.testing import running_central
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from nodekit.timestamps import utcnow
from tests.branch_helpers import assert_eventually, branch_settings

REPO = Path(__file__).resolve().parents[2]
SALES = 200
# Sales rung up ahead of the last acknowledgement.
IN_FLIGHT = 10
# Bounds the wait for an acknowledgement, the central's restart included.
ACK_WAIT_S = 60.0


@contextlib.asynccontextmanager
async def central_process(port: int, db: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """A real ``python -m central`` on ``port``; killed with SIGKILL if still running at the end."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "central",
        "--port",
        str(port),
        "--db",
        f"sqlite+aiosqlite:///{db}",
        "--branch",
        "north=north-key",
        "--log-level",
        "WARNING",
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_until_serving(f"127.0.0.1:{port}", timeout_s=30)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def sell_steadily(branch: Branch, count: int, sold: list[int]) -> None:
    """Rings up ``count`` one-item sales, keeping up to ``IN_FLIGHT`` unacknowledged so the stream is busy.

    Waiting on the acknowledgements (not on the clock) also holds the sales back while the
    central is down, so a kill after some acknowledgements always lands mid-stream.
    """
    for n in range(count):
        till = Till(utcnow(), "2025-06-01", "ON", PAYMENT_METHODS[n % 4], "")
        outcome = await branch.store.write(partial(sell, basket=[("apple", 1)], till=till))
        assert outcome.sale is not None
        sold.append(outcome.sale.sequence)
        branch.stream.notify()
        behind = outcome.sale.sequence - IN_FLIGHT
        assert await branch.stream.wait_acked(behind, ACK_WAIT_S), f"sale {behind} not acknowledged"


def central_ledger(db: Path) -> list[tuple[str, int, int]]:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return sorted(
            connection.execute("SELECT transaction_id, sequence, total_cents FROM branch_sales").fetchall()
        )


async def test_central_killed_mid_stream_ends_with_the_same_ledger(tmp_path: Path) -> None:
    port, central_db = free_port(), tmp_path / "central.sqlite3"
    branch = None
    producer: asyncio.Task[None] | None = None
    try:
        async with central_process(port, central_db) as first:
            branch = await start_branch(branch_settings(f"127.0.0.1:{port}", tmp_path / "north.sqlite3"))
            await branch.store.write(lambda c: stock.stock_products(c, [("apple", 100)], 40, 3, 10, utcnow()))
            await branch.store.write(lambda c: c.execute(update(inventory).values(quantity=10_000)))
            sold: list[int] = []
            producer = asyncio.create_task(sell_steadily(branch, SALES, sold))

            async def some_acked() -> bool:
                return branch is not None and branch.stream.acked >= 30

            await assert_eventually(some_acked, 30, "30 sales acknowledged")
            first.send_signal(signal.SIGKILL)
            await first.wait()
        acked_before_kill = branch.stream.acked
        assert acked_before_kill < SALES  # the kill really landed mid-stream

        async with central_process(port, central_db):
            await producer
            last = await branch.store.read(sales_outbox.last_sequence)
            assert last == SALES

            async def all_acked() -> bool:
                return branch is not None and branch.stream.acked >= last

            await assert_eventually(all_acked, 60, "every sale acknowledged after the restart")
            assert branch.stream.sessions >= 2
        mine = await branch.store.read(
            lambda c: sorted(
                (row.transaction_id, row.sequence, row.total_cents)
                for row in c.execute(
                    select(transactions.c.transaction_id, transactions.c.sequence, transactions.c.total_cents)
                )
            )
        )
        theirs = central_ledger(central_db)
        assert len(mine) == SALES
        assert theirs == mine  # nothing missing, nothing twice, same amounts
        assert sorted(seq for _, seq, _ in theirs) == list(range(1, SALES + 1))
    finally:
        if producer is not None and not producer.done():
            producer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await producer
        if branch is not None:
            await branch.stop()


async def test_a_restarted_branch_that_lost_its_ack_marks_counts_nothing_twice(tmp_path: Path) -> None:
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        settings = branch_settings(rc.address, tmp_path / "north.sqlite3")
        branch = await start_branch(settings)
        try:
            await branch.store.write(lambda c: stock.stock_products(c, [("apple", 100)], 40, 3, 10, utcnow()))
            await branch.store.write(lambda c: c.execute(update(inventory).values(quantity=1000)))
            await sell_steadily(branch, 40, [])
        finally:
            await branch.stop()
        # The branch forgets every ack (as if it crashed before writing them) and comes back.
        branch = await start_branch(settings)
        try:
            await branch.store.write(lambda c: c.execute(update(outbox).values(acked_at=None)))
            await sell_steadily(branch, 10, [])

            async def all_acked() -> bool:
                return branch.stream.acked >= 50

            await assert_eventually(all_acked, 30, "50 sales acknowledged")
        finally:
            await branch.stop()
        assert sorted(seq for _, seq, _ in central_ledger(rc.db_path)) == list(range(1, 51))
