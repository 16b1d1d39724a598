"""A real branch process on a database of an older schema upgrades it and sells; a newer one is refused."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from branch_node.storage.migrations import MIGRATIONS
from central.testing import running_central
from generated.distribution.v1 import report_pb2, report_pb2_grpc
from nodekit.db.engine import create_engine, sqlite_url
from nodekit.db.migrate import migrate, newest_revision
from tests.branch_helpers import assert_eventually, open_month_with_stock
from tests.migrations import branch_5cce269_rows, differences, make_5cce269_database, rows
from tests.processes import node_process, stop


def _branch_args(central: str, db: Path) -> list[str]:
    return [
        *("--central", central, "--name", "north", "--key", "north-key", "--db", str(db)),
        *("--province", "QC", "--seed", "7", "--day-seconds", "1", "--days", "1", "--shoppers-per-day", "12"),
    ]


async def test_a_branch_upgrades_a_5cce269_database_and_sells_from_it(tmp_path: Path) -> None:
    db = tmp_path / "north.sqlite3"
    engine = create_engine(sqlite_url(str(db)))
    try:
        await make_5cce269_database(engine, "branch")
        await branch_5cce269_rows(engine)
        async with running_central(branch_keys={"north": "north-key"}) as rc:
            await open_month_with_stock(
                rc.channel, rc.operator_token, {"apple": (500, 100), "pear": (500, 250)}
            )
            with node_process("branch_node", _branch_args(rc.address, db), tmp_path / "branch.log") as branch:
                reports = report_pb2_grpc.ReportServiceStub(rc.channel)

                async def day_reported() -> bool:
                    reply = await reports.GetBranchRevenue(
                        report_pb2.GetBranchRevenueRequest(branch_name="north"),
                        metadata=rc.operator_metadata,
                        timeout=10,
                    )
                    return any(day.revenue_cents > 0 for day in reply.days)

                await assert_eventually(day_reported, 60, "the upgraded branch's first daily report")
                assert stop(branch) == 0
        assert await rows(engine, "SELECT version_num FROM alembic_version") == [
            (newest_revision(MIGRATIONS),)
        ]
        assert await rows(engine, "SELECT product FROM products ORDER BY 1") == [("apple",), ("pear",)]
        assert await rows(engine, "SELECT count(*) > 0 FROM transactions") == [(1,)]
        assert await differences(engine, MIGRATIONS.metadata) == []
    finally:
        await engine.dispose()


async def test_a_branch_refuses_a_database_of_a_newer_version_in_one_line_and_exits_1(tmp_path: Path) -> None:
    db = tmp_path / "north.sqlite3"
    engine = create_engine(sqlite_url(str(db)))
    try:
        await migrate(engine, MIGRATIONS)
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        # Nothing listens there: the branch must stop at its database, before it calls anyone.
        with node_process("branch_node", _branch_args("127.0.0.1:9", db), tmp_path / "branch.log") as branch:
            assert branch.wait(timeout=30) == 1
        log = (tmp_path / "branch.log").read_text()
        assert "Traceback" not in log
        (line,) = [line for line in log.splitlines() if " ERROR " in line]
        assert line.endswith(
            "branch north cannot start: the database is at schema revision '9999', newer than this program"
            f" (its newest is '{newest_revision(MIGRATIONS)}'): run the newer version"
        )
        assert await rows(engine, "SELECT version_num FROM alembic_version") == [("9999",)]
    finally:
        await engine.dispose()
