"""Creates a node's tables on its engine, inside one write transaction."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db.engine import WRITE


async def create_schema(engine: AsyncEngine, metadata: MetaData) -> None:
    """Creates every table of ``metadata`` that does not exist yet."""
    async with engine.connect() as connection:
        # A write connection: on SQLite the DDL then runs under BEGIN IMMEDIATE like any other write.
        connection = await connection.execution_options(**{WRITE: True})
        async with connection.begin():
            await connection.run_sync(metadata.create_all)
