"""One try of the database, as a central whose database went away asks it: can it take a write again?"""

from __future__ import annotations

import asyncio
import sqlite3

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db.engine import is_sqlite

PROBE_TIMEOUT_S = 1.0


async def probe_database(engine: AsyncEngine) -> None:
    """Returns when the database answers (SQLite: takes a write); raises while it cannot."""
    if is_sqlite(engine):
        await asyncio.to_thread(_write_sqlite, str(engine.url.database))
        return
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _write_sqlite(path: str) -> None:
    # A file that cannot be written (disk full, read-only) still reads: only a committed write tells.
    # Setting the header's user version to what it is writes page one and changes nothing.
    connection = sqlite3.connect(path, timeout=PROBE_TIMEOUT_S, isolation_level=None)
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        connection.execute(f"PRAGMA user_version = {version}")
    finally:
        connection.close()
