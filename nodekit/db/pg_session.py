"""How a batch reaches PostgreSQL: one transaction on the writer's connection, BEGIN with its locks."""

from __future__ import annotations

import asyncio
import logging
import random

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from nodekit.db.asyncpg_form import is_asyncpg, run_script
from nodekit.db.batch import BatchHooks, Pending, apply_batch
from nodekit.db.engine import WRITE

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATEs for a deadlock and a serialization failure: the transaction may simply run again.
CONFLICTS = frozenset({"40P01", "40001"})
CONFLICT_ATTEMPTS = 5


def is_conflict(error: DBAPIError) -> bool:
    """True when the database aborted the transaction for a deadlock or a serialization failure."""
    return _sqlstate(error) in CONFLICTS


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


class PostgresSession:
    """PostgreSQL: the batch runs on the writer's own async connection.

    The session writes BEGIN and COMMIT itself (the driver adapter is told to
    leave transactions alone), so the BEGIN travels in one round trip with the
    batch's row locks (``BatchHooks.lock_text``) instead of one of its own; and
    the whole transaction runs in one greenlet, one switch into it per batch.
    """

    def __init__(self, engine: AsyncEngine, hooks: BatchHooks) -> None:
        self._engine = engine
        self._hooks = hooks
        self._connection: AsyncConnection | None = None
        # Batches run again after a deadlock or serialization failure (none reach a caller).
        self.conflicts = 0

    async def open(self) -> None:
        connection = await self._engine.connect()
        self._connection = await connection.execution_options(**{WRITE: True})

    async def close(self) -> None:
        if self._connection is not None:
            if not self._connection.invalidated:
                await self._connection.run_sync(_hand_back)
            await self._connection.close()
            self._connection = None

    async def apply(self, batch: list[Pending]) -> None:
        """Runs the batch in one transaction; a deadlock or serialization failure runs it again."""
        assert self._connection is not None
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                await self._connection.run_sync(self._transact, batch)
                return
            except DBAPIError as error:
                if attempt == CONFLICT_ATTEMPTS or not is_conflict(error):
                    raise
                self.conflicts += 1
                logger.info("batch of %d hit a %s; running it again", len(batch), _sqlstate(error))
                # Jittered, so the writers that collided do not collide again in step.
                await asyncio.sleep(random.uniform(0.001, 0.005) * attempt)

    def _transact(self, connection: Connection, batch: list[Pending]) -> None:
        if not is_asyncpg(connection):
            with connection.begin():
                apply_batch(connection, batch, self._hooks)
            return
        adapted = connection.connection.dbapi_connection
        assert adapted is not None
        # The adapter would send its own BEGIN at the first statement: this session sends it
        # (set on every batch, since a connection made again after a loss starts without it).
        if not adapted.autocommit:
            adapted.autocommit = True
        # SQLAlchemy's transaction is bookkeeping only here: with autocommit it sends nothing.
        with connection.begin():
            try:
                locked = self._begin(connection, batch)
                apply_batch(connection, batch, self._hooks, locked=locked)
                run_script(connection, "COMMIT")
            except BaseException:
                _roll_back(connection)
                raise

    def _begin(self, connection: Connection, batch: list[Pending]) -> bool:
        """Sends BEGIN, with the batch's row locks when it has any; True when they were taken."""
        keys = sorted({key for item in batch for key in item.locks}) if self._hooks.lock_rows else []
        if keys and self._hooks.lock_text is not None:
            run_script(connection, f"BEGIN; {self._hooks.lock_text(keys)}")
            return True
        run_script(connection, "BEGIN")
        return False


def _roll_back(connection: Connection) -> None:
    """Ends the failed transaction, or the next BEGIN would find it; a connection that cannot is dropped."""
    if connection.invalidated:
        return  # lost: the server has rolled it back
    try:
        run_script(connection, "ROLLBACK")
    except DBAPIError:
        if not connection.invalidated:
            connection.invalidate()


def _hand_back(connection: Connection) -> None:
    """Gives the adapter its own BEGIN back before the connection returns to the pool for others."""
    adapted = connection.connection.dbapi_connection
    if is_asyncpg(connection) and adapted is not None:
        adapted.autocommit = False
