"""A real ``python -m branch_node`` process: no walk-in sale while the central has the month paused."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from pathlib import Path

from central.testing import running_central
from generated.distribution.v1 import month_pb2, month_pb2_grpc
from tests.branch_helpers import open_month_with_stock
from tests.helpers import assert_eventually
from tests.processes import ROOT, node_env, stop_async

# While paused the sales are read this long (at least): a branch that kept selling would add some.
HELD_FOR_S = 2.0


def _sales(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        try:
            (count,) = connection.execute("SELECT COUNT(*) FROM transactions").fetchone()
        except sqlite3.OperationalError:  # the branch has not made its tables yet
            return 0
    return int(count)


async def test_walk_in_sales_stop_while_paused_and_go_on_after(tmp_path: Path) -> None:
    db, log = tmp_path / "north.sqlite3", tmp_path / "north.log"
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        await open_month_with_stock(rc.channel, rc.operator_token, {"apple": (900, 100), "pear": (900, 250)})
        months = month_pb2_grpc.MonthServiceStub(rc.channel)

        async def sales() -> int:
            return await asyncio.to_thread(_sales, db)

        async def logged(text: str) -> None:
            assert text in await asyncio.to_thread(log.read_text)

        with log.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "branch_node", "--central", rc.address, "--name", "north",
                "--db", str(db), "--province", "QC", "--seed", "7", "--day-seconds", "2",
                "--shoppers-per-day", "20", "--log-level", "INFO",
                cwd=ROOT, env={**node_env(), "DISTRIBUTION_BRANCH_KEY": "north-key"},
                stdout=sink, stderr=sink,
            )  # fmt: skip
            try:

                async def selling() -> None:
                    assert await sales() > 0

                await assert_eventually(selling, timeout_s=60, interval_s=0.1)
                await months.PauseMonth(
                    month_pb2.PauseMonthRequest(), metadata=rc.operator_metadata, timeout=10
                )
                # Logged before the next walk-in, after the last sale committed.
                await assert_eventually(lambda: logged("walk-in shoppers wait"), timeout_s=20)
                held = await sales()
                since = time.monotonic()
                while time.monotonic() - since < HELD_FOR_S:
                    assert await sales() == held
                    await asyncio.sleep(0.2)
                await months.ResumeMonth(
                    month_pb2.ResumeMonthRequest(), metadata=rc.operator_metadata, timeout=10
                )

                async def selling_again() -> None:
                    assert await sales() > held

                await assert_eventually(selling_again, timeout_s=20, interval_s=0.1)
            finally:
                code = await stop_async(process, timeout_s=30)
    output = log.read_text()
    assert code == 0, output[-3000:]
    assert "walk-in shoppers come in again" in output
