"""A real central on a database of an older schema upgrades it and serves; one of a newer one is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from central.storage.migrations import MIGRATIONS
from generated.distribution.v1 import month_pb2
from launcher.postgres.server import fresh_database
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.db.engine import create_engine, sqlite_url
from nodekit.db.migrate import migrate, newest_revision
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from tests.helpers import Stubs, add, checkout, register
from tests.migrations import central_5cce269_rows, differences, make_5cce269_database, rows
from tests.processes import node_process, stop

pytestmark = pytest.mark.e2e

KEY = "upgrade-operator-key"


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a new, empty database of each kind."""
    if request.param == "sqlite":
        yield sqlite_url(str(tmp_path / "central.sqlite3"))
    else:
        yield await fresh_database(request.getfixturevalue("server"), "upgrade")


@pytest.fixture
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    made = create_engine(url)
    yield made
    await made.dispose()


async def test_a_central_upgrades_a_5cce269_database_keeps_its_month_and_sells_from_it(
    url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    await make_5cce269_database(engine, "central")
    await central_5cce269_rows(engine)
    await engine.dispose()
    port = free_port()
    args = ["--port", str(port), "--db", url, "--operator-key", KEY]
    with node_process("central", args, tmp_path / "central.log") as central:
        await wait_until_serving(f"127.0.0.1:{port}", timeout_s=30)
        async with open_channel(f"127.0.0.1:{port}") as channel:
            stubs = Stubs.on(channel)
            ann = await register(stubs, "ann")
            await add(stubs, ann, 2, 2)
            order = await checkout(stubs, ann, "upgrade-1")
            assert order.order.total_cents == 200
            reply = await stubs.months.GetMonthStatus(
                month_pb2.GetMonthStatusRequest(month=1), metadata=bearer_metadata(KEY), timeout=10
            )
        assert {line.product: line.sold for line in reply.status.stock_lines} == {"jam": 3, "tea": 2}
        assert stop(central) == 0
    assert await rows(engine, "SELECT version_num FROM alembic_version") == [(newest_revision(MIGRATIONS),)]
    # The line nobody touched keeps the version every line started at; the sold one counted its changes.
    versions = dict(await rows(engine, "SELECT product, version FROM stock_lines"))
    assert versions["jam"] == 0 and versions["tea"] > 0
    assert await rows(engine, "SELECT offers_due_at FROM months") == [(None,)]
    assert await differences(engine, MIGRATIONS.metadata) == []


async def test_a_central_refuses_a_database_of_a_newer_version_in_one_line_and_exits_1(
    url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    await migrate(engine, MIGRATIONS)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    await engine.dispose()
    args = ["--port", str(free_port()), "--db", url, "--operator-key", KEY]
    with node_process("central", args, tmp_path / "central.log") as central:
        assert central.wait(timeout=30) == 1
    log = (tmp_path / "central.log").read_text()
    assert "Traceback" not in log
    (line,) = [line for line in log.splitlines() if " ERROR " in line]
    assert line.endswith(
        f"the database is at schema revision '9999', newer than this program"
        f" (its newest is '{newest_revision(MIGRATIONS)}'): run the newer version"
    )
    assert await rows(engine, "SELECT version_num FROM alembic_version") == [("9999",)]
