"""Opens the branch database (WAL, FULL sync, BEGIN IMMEDIATE writes) with a group-commit writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from branch_node.storage.migrations import MIGRATIONS
from branch_node.storage.schema import state
from nodekit.db.engine import create_engine, sqlite_url
from nodekit.db.migrate import migrate
from nodekit.db.writer import WriteQueue

T = TypeVar("T")


@dataclass
class Store:
    """The engine for reads and the one writer every change goes through."""

    engine: AsyncEngine
    writer: WriteQueue

    async def read(self, query: Callable[[Connection], T]) -> T:
        """Runs a sync read function on a pooled connection."""
        async with self.engine.connect() as connection:
            return await connection.run_sync(query)

    async def write(self, operation: Callable[[Connection], T]) -> T:
        """Runs ``operation`` in the next group-commit batch; returns after the commit."""
        return await self.writer.run(operation)

    async def close(self) -> None:
        """Finishes queued writes and closes the database."""
        await self.writer.stop()
        await self.engine.dispose()


async def open_store(path: Path) -> Store:
    """Opens the branch database at ``path``, creating it when new and upgrading it when older.

    Raises:
        SchemaTooNew: A newer version of the branch migrated this database.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(sqlite_url(str(path)))
    try:
        await migrate(engine, MIGRATIONS)
    except BaseException:
        await engine.dispose()
        raise
    writer = WriteQueue(engine)
    await writer.start()
    return Store(engine, writer)


def get_state(connection: Connection, key: str) -> str | None:
    """A stored fact, or None."""
    value = connection.execute(select(state.c.value).where(state.c.key == key)).scalar()
    return None if value is None else str(value)


def put_state(connection: Connection, key: str, value: str) -> None:
    """Stores a fact, replacing the old value."""
    statement = sqlite_insert(state).values(key=key, value=value)
    connection.execute(statement.on_conflict_do_update(index_elements=[state.c.key], set_={"value": value}))
