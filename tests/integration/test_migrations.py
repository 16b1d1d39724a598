"""The migrations on real databases: the baseline is the 5cce269 schema, head is today's, old ones upgrade.

Each test runs for the central on SQLite and on PostgreSQL, and for the branch (SQLite only).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine

from branch_node.storage.migrations import MIGRATIONS as BRANCH
from central.storage.migrations import MIGRATIONS as CENTRAL
from launcher.postgres.server import fresh_database
from nodekit.db.engine import create_engine, sqlite_url
from nodekit.db.migrate import Migrations, SchemaTooNew, migrate, newest_revision
from tests.migrations import (
    branch_5cce269_rows,
    central_5cce269_rows,
    differences,
    make_5cce269_database,
    rows,
    snapshot,
)


@dataclass(frozen=True)
class Case:
    """One node's migrations on one kind of database."""

    node: str
    migrations: Migrations
    dialect: str


# The schema the code made with create_all, without revisions, just before the migrations came.
RECENT = {"central": "0002", "branch": "0001"}

NewEngine = Callable[[str], Awaitable[AsyncEngine]]

CASES = [
    Case("central", CENTRAL, "sqlite"),
    Case("central", CENTRAL, "postgresql"),
    Case("branch", BRANCH, "sqlite"),
]


@pytest.fixture(params=CASES, ids=lambda case: f"{case.node}-{case.dialect}")
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
async def new_engine(case: Case, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[NewEngine]:
    """Makes engines on new, empty databases of the case's kind; disposes of them after."""
    engines: list[AsyncEngine] = []

    async def make(name: str) -> AsyncEngine:
        if case.dialect == "sqlite":
            url = sqlite_url(str(tmp_path / f"{name}.sqlite3"))
        else:
            url = await fresh_database(request.getfixturevalue("server"), name)
        engines.append(create_engine(url))
        return engines[-1]

    yield make
    for engine in engines:
        await engine.dispose()


async def _version(engine: AsyncEngine) -> list[str]:
    return [row[0] for row in await rows(engine, "SELECT version_num FROM alembic_version")]


def _without_defaults(tables: dict[str, Any]) -> dict[str, Any]:
    for table in tables.values():
        table["columns"] = [
            (name, type_, nullable, auto) for name, type_, nullable, _, auto in table["columns"]
        ]
    return tables


async def _create_all(engine: AsyncEngine, metadata: MetaData) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


async def test_the_baseline_revision_makes_the_5cce269_schema(case: Case, new_engine: NewEngine) -> None:
    migrated, captured = await new_engine("migrated"), await new_engine("captured")
    await migrate(migrated, case.migrations, to=case.migrations.baseline)
    await make_5cce269_database(captured, case.node)
    assert await snapshot(migrated) == await snapshot(captured)
    assert await _version(migrated) == [case.migrations.baseline]


async def test_the_newest_revision_makes_todays_schema(case: Case, new_engine: NewEngine) -> None:
    migrated, created = await new_engine("migrated"), await new_engine("created")
    await migrate(migrated, case.migrations)
    await _create_all(created, case.migrations.metadata)
    assert await differences(migrated, case.migrations.metadata) == []
    if case.dialect == "sqlite":
        # SQLite keeps the default a NOT NULL column was added with (nodekit.db.revisions).
        assert _without_defaults(await snapshot(migrated)) == _without_defaults(await snapshot(created))
    else:
        assert await snapshot(migrated) == await snapshot(created)
    assert await _version(migrated) == [newest_revision(case.migrations)]


async def test_a_database_made_before_migrations_is_taken_for_the_baseline_and_upgraded(
    case: Case, new_engine: NewEngine
) -> None:
    engine = await new_engine("legacy")
    await make_5cce269_database(engine, case.node)
    await (central_5cce269_rows if case.node == "central" else branch_5cce269_rows)(engine)
    await migrate(engine, case.migrations)
    assert await _version(engine) == [newest_revision(case.migrations)]
    assert await differences(engine, case.migrations.metadata) == []
    if case.node == "central":
        assert await rows(engine, "SELECT stock_line_id, sold, version FROM stock_lines ORDER BY 1") == [
            (1, 3, 0),
            (2, 0, 0),
        ]
        assert await rows(engine, "SELECT offers_due_at FROM months") == [(None,)]
        assert await rows(engine, "SELECT name, linked_to FROM manufacturers") == [("acme", None)]
        assert await rows(engine, "SELECT count(*) FROM offer_replies") == [(0,)]
    else:
        assert await rows(engine, "SELECT product, quantity FROM inventory ORDER BY 1") == [
            ("apple", 40),
            ("pear", 30),
        ]


async def test_a_database_made_by_create_all_after_5cce269_is_taken_for_the_baseline_and_upgraded(
    case: Case, new_engine: NewEngine
) -> None:
    """The code between 5cce269 and the migrations made its tables without a revision: the same outcome."""
    engine = await new_engine("recent")
    await migrate(engine, case.migrations, to=RECENT[case.node])
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE alembic_version"))
    await migrate(engine, case.migrations)
    assert await _version(engine) == [newest_revision(case.migrations)]
    assert await differences(engine, case.migrations.metadata) == []


async def test_a_database_at_the_baseline_revision_is_upgraded(case: Case, new_engine: NewEngine) -> None:
    engine = await new_engine("old")
    await migrate(engine, case.migrations, to=case.migrations.baseline)
    await (central_5cce269_rows if case.node == "central" else branch_5cce269_rows)(engine)
    await migrate(engine, case.migrations)
    assert await _version(engine) == [newest_revision(case.migrations)]
    assert await differences(engine, case.migrations.metadata) == []


async def test_a_database_of_a_newer_version_is_refused_and_left_alone(
    case: Case, new_engine: NewEngine
) -> None:
    engine = await new_engine("newer")
    await migrate(engine, case.migrations)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    before = await snapshot(engine)
    with pytest.raises(SchemaTooNew, match="schema revision '9999', newer than this program"):
        await migrate(engine, case.migrations)
    assert await snapshot(engine) == before
    assert await _version(engine) == ["9999"]


async def test_processes_starting_at_once_on_one_empty_database_migrate_it_once(
    case: Case, new_engine: NewEngine
) -> None:
    first = await new_engine("shared")
    # Separate engines on the one database, as separate processes would have.
    others = [create_engine(first.url.render_as_string(hide_password=False)) for _ in range(3)]
    try:
        await asyncio.gather(*(migrate(engine, case.migrations) for engine in [first, *others]))
    finally:
        for engine in others:
            await engine.dispose()
    assert await _version(first) == [newest_revision(case.migrations)]
    assert await differences(first, case.migrations.metadata) == []
