"""scripts/new_migration.py writes the revision a change of the tables needs, and that revision works."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from sqlalchemy import BigInteger, Column, MetaData, String, Table

from branch_node.storage.migrations import MIGRATIONS
from nodekit.db.engine import create_engine, sqlite_url
from nodekit.db.migrate import Migrations, migrate, newest_revision
from tests.migrations import differences

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "new_migration.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("new_migration", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_a_new_table_in_the_metadata_becomes_the_next_revision(tmp_path: Path) -> None:
    # The branch's migrations, copied, with one table more in their metadata than their revisions make.
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS.directory, folder, ignore=shutil.ignore_patterns("__pycache__"))
    metadata = MetaData()
    for table in MIGRATIONS.metadata.tables.values():
        table.to_metadata(metadata)
    Table("returns", metadata, Column("return_id", BigInteger, primary_key=True), Column("why", String(200)))
    changed = Migrations(directory=folder, metadata=metadata, baseline=MIGRATIONS.baseline)

    written = _script().new_revision(changed, "returns")

    assert written.name == "v0002_returns.py"
    assert newest_revision(changed) == "0002"
    assert 'op.create_table(\n        "returns",' in written.read_text()
    engine = create_engine(sqlite_url(str(tmp_path / "branch.sqlite3")))
    try:
        await migrate(engine, changed)
        assert await differences(engine, metadata) == []
    finally:
        await engine.dispose()
