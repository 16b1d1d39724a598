"""Creates a node's tables on its engine, inside one write transaction."""

from __future__ import annotations

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db.engine import WRITE, is_sqlite

# Any fixed number: every process creating the schema of one PostgreSQL database takes this lock first.
SCHEMA_LOCK = 0x5C4E_3A00


async def create_schema(engine: AsyncEngine, metadata: MetaData) -> None:
    """Creates every table of ``metadata`` that does not exist yet.

    Several processes may start at the same moment on one empty database: on
    PostgreSQL they take turns under an advisory lock held until the commit,
    so each finds either no tables or all of them (on SQLite the write
    transaction itself serializes them).
    """
    async with engine.connect() as connection:
        # A write connection: on SQLite the DDL then runs under BEGIN IMMEDIATE like any other write.
        connection = await connection.execution_options(**{WRITE: True})
        async with connection.begin():
            if not is_sqlite(engine):
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            await connection.run_sync(metadata.create_all)
