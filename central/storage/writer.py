"""Group commit: concurrent write operations share one transaction per batch.

Each operation is a plain function run against a synchronous SQLAlchemy
``Connection`` inside the batch's transaction. It must check its conditions
(conditional updates) before writing anything, and raise a ``DomainError``
to refuse; refusing does not disturb the other operations in the batch.
Every caller is answered only after its batch has committed. If a batch
fails unexpectedly it is rolled back and each operation is run again in a
transaction of its own, so one faulty request cannot fail its neighbours.

On SQLite the batch runs on the stdlib driver in the writer's own thread,
one thread hop per batch; on PostgreSQL it runs on the async connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from central.storage.engine import WRITE, is_sqlite, sqlite_writer_engine
from nodekit.errors import DomainError, ErrorKind

logger = logging.getLogger(__name__)

T = TypeVar("T")
Operation = Callable[[Connection], T]

MAX_BATCH = 512
BUSY_RETRIES = 5


@dataclass(slots=True)
class _Pending:
    operation: Operation[Any]
    future: asyncio.Future[Any]
    outcome: tuple[bool, Any] = field(default=(False, None))


class WriteQueue:
    """Serializes writes through one connection, committing them in batches."""

    def __init__(self, engine: AsyncEngine, max_batch: int = MAX_BATCH) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._pending: deque[_Pending] = deque()
        self._wake = asyncio.Event()
        self._accepting = False
        self._task: asyncio.Task[None] | None = None
        self._session: _ThreadSession | _AsyncSession | None = None
        self.batches = 0
        self.operations = 0

    async def start(self) -> None:
        """Opens the writer's connection and starts the batching task."""
        if is_sqlite(self._engine):
            self._session = _ThreadSession(sqlite_writer_engine(self._engine))
        else:
            self._session = _AsyncSession(self._engine)
        await self._session.open()
        self._accepting = True
        self._task = asyncio.create_task(self._run(), name="write-queue")

    async def stop(self) -> None:
        """Finishes what is queued, then closes the connection."""
        self._accepting = False
        if self._task is not None:
            self._wake.set()
            await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        logger.info("write queue stopped: %d operations in %d batches", self.operations, self.batches)

    async def run(self, operation: Operation[T]) -> T:
        """Runs ``operation`` in the next batch; returns its result after the commit."""
        return await self.enqueue(operation)

    def enqueue(self, operation: Operation[T]) -> asyncio.Future[T]:
        """Queues ``operation`` for the next batch; the future resolves after the commit."""
        if not self._accepting:
            raise DomainError(ErrorKind.UNAVAILABLE, "SHUTTING_DOWN", "The server is shutting down; retry.")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._put(_Pending(operation, future))
        return future

    def submit(self, operation: Operation[Any]) -> None:
        """Queues ``operation`` without waiting for it (for records nobody waits on)."""
        if not self._accepting:
            return
        future = asyncio.get_running_loop().create_future()
        future.add_done_callback(_log_failure)
        self._put(_Pending(operation, future))

    def _put(self, item: _Pending) -> None:
        self._pending.append(item)
        if not self._wake.is_set():
            self._wake.set()

    async def _run(self) -> None:
        # Whatever queued up while the previous batch committed becomes the next batch.
        pending = self._pending
        while pending or self._accepting:
            if not pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = [pending.popleft() for _ in range(min(len(pending), self._max_batch))]
            await self._commit(batch)

    async def _commit(self, batch: list[_Pending]) -> None:
        assert self._session is not None
        try:
            await self._session.apply(batch)
        except Exception:
            logger.warning("batch of %d failed; retrying one by one", len(batch), exc_info=True)
            for item in batch:
                try:
                    await self._session.apply([item])
                except Exception as error:
                    item.outcome = (False, error)
        self.batches += 1
        self.operations += len(batch)
        for item in batch:
            if item.future.done():
                continue
            ok, value = item.outcome
            if ok:
                item.future.set_result(value)
            else:
                item.future.set_exception(value)


class _ThreadSession:
    """SQLite: one connection owned by one thread; a batch is one hop to it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._connection: Connection | None = None

    async def open(self) -> None:
        await self._call(self._open)

    async def close(self) -> None:
        await self._call(self._close)
        self._executor.shutdown(wait=True)
        self._engine.dispose()

    async def apply(self, batch: list[_Pending]) -> None:
        await self._call(self._apply, batch)

    async def _call(self, function: Callable[..., None], *args: Any) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def _open(self) -> None:
        self._connection = self._engine.connect().execution_options(**{WRITE: True})

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _apply(self, batch: list[_Pending]) -> None:
        assert self._connection is not None
        for attempt in range(BUSY_RETRIES):
            try:
                with self._connection.begin():
                    _apply(self._connection, batch)
                return
            except OperationalError as error:
                # Another process holds the SQLite write lock past busy_timeout.
                if "locked" not in str(error) or attempt == BUSY_RETRIES - 1:
                    raise _unavailable() from error
                time.sleep(0.1 * (attempt + 1))


class _AsyncSession:
    """PostgreSQL: the batch runs on an async connection (the driver is async already)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None

    async def open(self) -> None:
        connection = await self._engine.connect()
        self._connection = await connection.execution_options(**{WRITE: True})

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def apply(self, batch: list[_Pending]) -> None:
        assert self._connection is not None
        async with self._connection.begin():
            await self._connection.run_sync(_apply, batch)


def _apply(connection: Connection, batch: list[_Pending]) -> None:
    for item in batch:
        try:
            item.outcome = (True, item.operation(connection))
        except DomainError as error:
            item.outcome = (False, error)


def _unavailable() -> DomainError:
    return DomainError(ErrorKind.UNAVAILABLE, "DATABASE_BUSY", "The database is busy; please retry shortly.")


def _log_failure(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("background write failed", exc_info=future.exception())
