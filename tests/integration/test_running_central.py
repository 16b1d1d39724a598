"""The in-process central for testers takes any setting, the database URL included."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from central.testing import running_central
from nodekit.db.engine import sqlite_url
from tests.helpers import Stubs, register


async def test_db_url_overrides_the_temporary_file(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen.sqlite3"
    async with running_central(db_url=sqlite_url(str(chosen))) as rc:
        await register(Stubs.on(rc.channel), "ann")
    with sqlite3.connect(chosen) as db:
        assert db.execute("SELECT name FROM customers").fetchall() == [("ann",)]
