"""Group commit: concurrent write operations share one transaction per batch.

Each operation is a plain function run against a synchronous SQLAlchemy
``Connection`` inside the batch's transaction. It must check its conditions
(conditional updates) before writing anything, and raise a ``DomainError``
to refuse; refusing does not disturb the other operations in the batch.
Every caller is answered only after its batch has committed. An operation
may carry a ``follow`` callback: it runs on the loop right after the commit,
whether or not the caller is still waiting (a caller cut by its deadline
cannot stop a queued write from committing, so what follows a commit must not
depend on the caller). If a batch
fails unexpectedly it is rolled back and each operation is run again in a
transaction of its own, so one faulty request cannot fail its neighbours.

On SQLite the batch's statements run on the stdlib driver right on the event
loop and only the COMMIT goes to a thread; on PostgreSQL the batch runs on
the async connection.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from nodekit.db.engine import BUSY_TIMEOUT_MS, WRITE, is_sqlite, sqlite_writer_engine
from nodekit.errors import DomainError, ErrorKind

logger = logging.getLogger(__name__)

T = TypeVar("T")
Operation = Callable[[Connection], T]
Follow = Callable[[T], None]

MAX_BATCH = 512
GATHER_TURNS = 8
BUSY_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000


@dataclass(slots=True)
class _Pending:
    operation: Operation[Any]
    future: asyncio.Future[Any]
    follow: Follow[Any] | None = None
    outcome: tuple[bool, Any] = field(default=(False, None))


class WriteQueue:
    """Serializes writes through one connection, committing them in batches."""

    def __init__(
        self, engine: AsyncEngine, max_batch: int = MAX_BATCH, busy_timeout_s: float = BUSY_TIMEOUT_S
    ) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._busy_timeout_s = busy_timeout_s
        self._pending: deque[_Pending] = deque()
        # Requests that arrived, whether as new operations or joining a queued one (see ``joined``).
        self._arrivals = 0
        # Operations accepted and not yet answered (queued, or in the batch being written).
        self.backlog = 0
        self._wake = asyncio.Event()
        self._accepting = False
        self._task: asyncio.Task[None] | None = None
        self._session: _SqliteSession | _AsyncSession | None = None
        self.batches = 0
        self.operations = 0

    async def start(self) -> None:
        """Opens the writer's connection and starts the batching task."""
        if is_sqlite(self._engine):
            self._session = _SqliteSession(sqlite_writer_engine(self._engine), self._busy_timeout_s)
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

    async def run(self, operation: Operation[T], follow: Follow[T] | None = None) -> T:
        """Runs ``operation`` in the next batch; returns its result after the commit.

        Args:
            operation: The write, run inside the batch's transaction.
            follow: Called with the result right after the commit, even if the caller was cancelled
                meanwhile; it must not raise (a failure is logged, the commit stands).
        """
        return await self.enqueue(operation, follow)

    def enqueue(self, operation: Operation[T], follow: Follow[T] | None = None) -> asyncio.Future[T]:
        """Queues ``operation`` for the next batch; the future resolves after the commit."""
        if not self._accepting:
            raise DomainError(ErrorKind.UNAVAILABLE, "SHUTTING_DOWN", "The server is shutting down; retry.")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._put(_Pending(operation, future, follow))
        return future

    def submit(self, operation: Operation[Any]) -> None:
        """Queues ``operation`` without waiting for it (for records nobody waits on)."""
        if not self._accepting:
            return
        future = asyncio.get_running_loop().create_future()
        future.add_done_callback(_log_failure)
        self._put(_Pending(operation, future))

    def joined(self) -> None:
        """Notes a request that joined an operation still queued, so the batch waits for more like it."""
        self._arrivals += 1

    def _put(self, item: _Pending) -> None:
        self._arrivals += 1
        self.backlog += 1
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
            # Let the loop run while that brings more writes, so ready handlers share this batch.
            for _ in range(GATHER_TURNS):
                arrived = self._arrivals
                await asyncio.sleep(0)
                if self._arrivals == arrived:
                    break
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
        self.backlog -= len(batch)
        for item in batch:
            ok, value = item.outcome
            if ok and item.follow is not None:
                _follow(item.follow, value)
            if item.future.done():
                continue
            if ok:
                item.future.set_result(value)
            else:
                item.future.set_exception(value)


class _SqliteSession:
    """SQLite: statements run on the event loop; only the commit waits in a thread.

    Each statement is a few microseconds of work on a local file, so running a
    batch's statements right here costs less than handing them to a thread (every
    hand-off is a GIL switch). The COMMIT waits for the disk (fsync), so it goes
    to the session's own thread while the loop serves the next requests. The write
    lock is taken without waiting (busy timeout 0 on this connection); only when
    another process holds it does the session wait for it, in the thread.
    """

    def __init__(self, engine: Engine, busy_timeout_s: float) -> None:
        self._engine = engine
        self._busy_timeout_s = busy_timeout_s
        self._thread: _DiskThread | None = None
        self._connection: Connection | None = None

    async def open(self) -> None:
        self._thread = _DiskThread(asyncio.get_running_loop())
        self._connection = await self._call(self._open)

    async def close(self) -> None:
        await self._call(self._close)
        assert self._thread is not None
        self._thread.stop()
        self._engine.dispose()

    async def apply(self, batch: list[_Pending]) -> None:
        transaction = await self._begin()
        try:
            _apply(transaction.connection, batch)
        except BaseException:
            transaction.rollback()
            raise
        await self._call(transaction.commit)

    async def _begin(self) -> RootTransaction:
        assert self._connection is not None
        try:
            return self._connection.begin()
        except (OperationalError, sqlite3.OperationalError) as error:
            if not _locked(error):
                raise
        # Another process holds the write lock: wait for it in the thread, never on the loop.
        return await self._call(self._begin_waiting)

    def _begin_waiting(self) -> RootTransaction:
        assert self._connection is not None
        deadline = time.monotonic() + self._busy_timeout_s
        pause = 0.005
        while True:
            try:
                return self._connection.begin()
            except (OperationalError, sqlite3.OperationalError) as error:
                if not _locked(error):
                    raise
                if time.monotonic() >= deadline:
                    raise _unavailable() from error
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    async def _call(self, function: Callable[[], T]) -> T:
        assert self._thread is not None
        return await self._thread.run(function)

    def _open(self) -> Connection:
        connection = self._engine.connect().execution_options(**{WRITE: True})
        # On the driver itself: through SQLAlchemy the pragma would open a transaction.
        driver = connection.connection.dbapi_connection
        assert driver is not None
        driver.execute("PRAGMA busy_timeout=0")
        return connection

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


_Job = tuple[Callable[[], Any], "asyncio.Future[Any]"]


class _DiskThread:
    """The SQLite session's own thread, for what waits on the disk: the COMMIT, a busy write lock.

    One plain thread fed through a ``SimpleQueue`` and answering through
    ``call_soon_threadsafe``: a hand-off per batch costs less than through an
    executor, whose futures are chained across threads with locks and callbacks.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="sqlite-commit", daemon=True)
        self._thread.start()

    def run(self, function: Callable[[], T]) -> asyncio.Future[T]:
        """Runs ``function`` in the thread; the future resolves on the loop."""
        future: asyncio.Future[T] = self._loop.create_future()
        self._jobs.put((function, future))
        return future

    def stop(self) -> None:
        """Lets the thread finish what it was given, then end."""
        self._jobs.put(None)
        self._thread.join()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            function, future = job
            try:
                result = function()
            except BaseException as error:
                self._loop.call_soon_threadsafe(_fail, future, error)
            else:
                self._loop.call_soon_threadsafe(_succeed, future, result)


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():
        future.set_result(result)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


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


def _locked(error: Exception) -> bool:
    """True when SQLite refused because another connection holds the write lock."""
    return "locked" in str(error)


def _unavailable() -> DomainError:
    return DomainError(ErrorKind.UNAVAILABLE, "DATABASE_BUSY", "The database is busy; please retry shortly.")


def _follow(follow: Follow[Any], result: Any) -> None:
    try:
        follow(result)
    except Exception:
        # The write committed: its caller is still answered with its result.
        logger.exception("following a committed write failed")


def _log_failure(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("background write failed", exc_info=future.exception())
