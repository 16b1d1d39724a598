"""One try of the database, as a central asks it: can it take a write again, does it answer at all?"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from functools import partial

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db.engine import is_sqlite

PROBE_TIMEOUT_S = 1.0


def probe_for(engine: AsyncEngine) -> PostgresProbe | Callable[[], Awaitable[None]]:
    """The probe of ``engine``'s database: a SQLite write, or ``SELECT 1`` on a connection of its own."""
    if is_sqlite(engine):
        return partial(probe_sqlite, str(engine.url.database))
    return PostgresProbe(engine.url.set(drivername="postgresql").render_as_string(hide_password=False))


class PostgresProbe:
    """``SELECT 1`` on a connection of its own, never one of the pool's.

    A hung server (stopped, or its packets dropped) holds a pooled connection until TCP
    gives up; this one is dropped (``terminate``: no goodbye to wait for) on any failure,
    so the next try connects afresh within its own timeout.
    """

    def __init__(self, dsn: str, timeout_s: float = PROBE_TIMEOUT_S) -> None:
        self._dsn = dsn
        self._timeout_s = timeout_s
        self._connection: asyncpg.Connection | None = None

    async def __call__(self) -> None:
        """Returns when the server answers within the timeout; raises (TimeoutError among others) when not."""
        try:
            async with asyncio.timeout(self._timeout_s):
                if self._connection is None or self._connection.is_closed():
                    self._connection = await asyncpg.connect(self._dsn, timeout=self._timeout_s)
                await self._connection.fetchval("SELECT 1")
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Drops the connection without waiting on the server."""
        if self._connection is not None:
            self._connection.terminate()
            self._connection = None


async def probe_sqlite(path: str) -> None:
    """Returns when the SQLite file takes a write; raises while it cannot."""
    await asyncio.to_thread(_write_sqlite, path)


def _write_sqlite(path: str) -> None:
    # A file that cannot be written (disk full, read-only) still reads: only a committed write tells.
    # Setting the header's user version to what it is writes page one and changes nothing.
    connection = sqlite3.connect(path, timeout=PROBE_TIMEOUT_S, isolation_level=None)
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        connection.execute(f"PRAGMA user_version = {version}")
    finally:
        connection.close()
