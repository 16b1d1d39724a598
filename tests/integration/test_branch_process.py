"""A real `python -m branch_node` process: sells, streams, reports its day, exits 0 on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from pathlib import Path

from central.testing import running_central
from generated.distribution.v1 import report_pb2, report_pb2_grpc
from tests.branch_helpers import assert_eventually, open_month_with_stock

REPO = Path(__file__).resolve().parents[2]


def day_totals(db: Path) -> dict[str, tuple[int, int]]:
    """Revenue and count per business day, straight from the branch's own database."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT business_day, SUM(total_cents), COUNT(*) FROM transactions GROUP BY business_day"
        )
        return {day: (int(total), int(count)) for day, total, count in rows}


async def test_branch_process_streams_reports_its_day_and_stops_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "north.sqlite3"
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        await open_month_with_stock(
            rc.channel, rc.operator_token, {"apple": (500, 100), "pear": (500, 250), "plum": (500, 80)}
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "branch_node",
            "--central",
            rc.address,
            "--name",
            "north",
            "--key",
            "north-key",
            "--db",
            str(db),
            "--province",
            "QC",
            "--seed",
            "7",
            "--day-seconds",
            "1",
            "--days",
            "1",
            "--shoppers-per-day",
            "12",
            "--log-level",
            "WARNING",
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            reports = report_pb2_grpc.ReportServiceStub(rc.channel)
            days: list[report_pb2.BranchDay] = []

            async def day_reported() -> bool:
                nonlocal days
                reply = await reports.GetBranchRevenue(
                    report_pb2.GetBranchRevenueRequest(branch_name="north"),
                    metadata=rc.operator_metadata,
                    timeout=10,
                )
                days = [day for day in reply.days if day.revenue_cents > 0]
                return bool(days)

            await assert_eventually(day_reported, 60, "the branch's first daily report")
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
            assert process.returncode == 0, stderr.decode()[-2000:]
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        (day,) = days
        revenue, count = day_totals(db)[day.business_day]
        # The report equals the sum of the day's transactions, and so does the stream.
        assert (day.revenue_cents, day.transaction_count) == (revenue, count)
        assert day.streamed_revenue_cents == revenue and not day.flagged
        assert count > 0
