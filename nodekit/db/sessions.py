"""How a batch reaches SQLite: its stdlib driver on the loop (PostgreSQL: ``nodekit.db.pg_session``)."""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.exc import OperationalError

from nodekit.db.batch import BatchHooks, Pending, apply_batch
from nodekit.db.engine import WRITE
from nodekit.errors import DomainError, ErrorKind

logger = logging.getLogger(__name__)

T = TypeVar("T")


class SqliteSession:
    """SQLite: statements run on the event loop; only the commit waits in a thread.

    Each statement is a few microseconds of work on a local file, so running a
    batch's statements right here costs less than handing them to a thread (every
    hand-off is a GIL switch). The COMMIT waits for the disk (fsync), so it goes
    to the session's own thread while the loop serves the next requests. The write
    lock is taken without waiting (busy timeout 0 on this connection); only when
    another process holds it does the session wait for it, in the thread.
    """

    def __init__(self, engine: Engine, busy_timeout_s: float, hooks: BatchHooks) -> None:
        self._engine = engine
        self._hooks = hooks
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

    async def apply(self, batch: list[Pending]) -> None:
        transaction = await self._begin()
        try:
            apply_batch(transaction.connection, batch, self._hooks)
        except BaseException:
            transaction.rollback()
            raise
        try:
            await self._call(transaction.commit)
        except BaseException:
            # A COMMIT the disk refused (full, I/O error) leaves the transaction begun: end it, or
            # every later batch fails to begin long after the disk has room again.
            await self._call(transaction.rollback)
            raise

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


def _locked(error: Exception) -> bool:
    """True when SQLite refused because another connection holds the write lock."""
    return "locked" in str(error)


def _unavailable() -> DomainError:
    return DomainError(ErrorKind.UNAVAILABLE, "DATABASE_BUSY", "The database is busy; please retry shortly.")
