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

With several writer processes on one PostgreSQL, an operation declares the
rows it will lock (``locks``), and the batch takes all of them first, in key
order (``BatchHooks.lock_rows``): writers that lock in one order never
deadlock. A deadlock or serialization failure that happens anyway runs the
batch again inside the writer; no caller sees it. How a batch reaches each
database is in ``nodekit.db.sessions`` (SQLite) and ``nodekit.db.pg_session``.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db.batch import BatchHooks, Follow, Operation, Pending, Piped
from nodekit.db.engine import BUSY_TIMEOUT_MS, is_sqlite, sqlite_writer_engine
from nodekit.db.gather import GATHER_WAIT_S, Gather
from nodekit.db.pg_session import PostgresSession
from nodekit.db.sessions import SqliteSession
from nodekit.errors import DomainError, ErrorKind
from nodekit.logs import one_line
from nodekit.observability.tracing import tracing_on, write_span

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_BATCH = 512
GATHER_TURNS = 8
BUSY_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000


class WriteQueue:
    """Serializes writes through one connection, committing them in batches."""

    def __init__(
        self,
        engine: AsyncEngine,
        max_batch: int = MAX_BATCH,
        busy_timeout_s: float = BUSY_TIMEOUT_S,
        hooks: BatchHooks | None = None,
        gather_s: float = GATHER_WAIT_S,
    ) -> None:
        self._engine = engine
        self._hooks = hooks or BatchHooks()
        self._max_batch = max_batch
        self._busy_timeout_s = busy_timeout_s
        self._pending: deque[Pending] = deque()
        # Requests that arrived, whether as new operations or joining a queued one (see ``joined``).
        self._arrivals = 0
        # Operations accepted and not yet answered (queued, or in the batch being written).
        self.backlog = 0
        self._wake = asyncio.Event()
        self._accepting = False
        self._task: asyncio.Task[None] | None = None
        self._session: SqliteSession | PostgresSession | None = None
        # The batch being written (empty between batches), for ``abandon``.
        self._writing: list[Pending] = []
        self.batches = 0
        self.operations = 0
        # Told each batch's size and its seconds to commit (central.metrics); None for nobody.
        self.committed: Callable[[int, float], None] | None = None
        # The adaptive gather: whether a batch waits a moment for more (``nodekit.db.gather``).
        self._gather = Gather(gather_s, max_batch)

    async def start(self) -> None:
        """Opens the writer's connection and starts the batching task."""
        if is_sqlite(self._engine):
            self._session = SqliteSession(
                sqlite_writer_engine(self._engine), self._busy_timeout_s, self._hooks
            )
        else:
            self._session = PostgresSession(self._engine, self._hooks)
        await self._session.open()
        self._accepting = True
        self._task = asyncio.create_task(self._run(), name="write-queue")

    async def stop(self) -> None:
        """Finishes what is queued, then closes the connection."""
        self._accepting = False
        self._gather.stop()
        if self._task is not None:
            self._wake.set()
            await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        logger.info("write queue stopped: %d operations in %d batches", self.operations, self.batches)

    @property
    def locks_rows(self) -> bool:
        """Whether operations should declare the rows they lock (several writers share the database)."""
        return self._hooks.lock_rows is not None

    @property
    def writing(self) -> int:
        """Operations in the batch being written (0 between batches)."""
        return len(self._writing)

    @property
    def gathered(self) -> int:
        """Batches that waited a moment for more before going out."""
        return self._gather.waits

    @property
    def conflicts(self) -> int:
        """Batches run again after a deadlock or serialization failure."""
        return self._session.conflicts if isinstance(self._session, PostgresSession) else 0

    def run(
        self,
        operation: Operation[T],
        follow: Follow[T] | None = None,
        locks: Iterable[int] = (),
        first: bool = False,
        piped: Piped[T] | None = None,
    ) -> Awaitable[T]:
        """Runs ``operation`` in the next batch; the awaitable gives its result after the commit.

        Args:
            operation: The write, run inside the batch's transaction.
            follow: Called with the result right after the commit, even if the caller was cancelled
                meanwhile; it must not raise (a failure is logged, the commit stands).
            locks: Keys of the rows the operation will lock, taken with the batch's in key order.
            first: Goes ahead of what is queued (for work whose lateness others pay for, like expiry).
            piped: The same write as a first statement and its rest, for sending the statement with
                the batch's others of its kind (``nodekit.db.batch.Piped``); ``operation`` otherwise.
        """
        if not tracing_on():
            # No span to open: the caller awaits the batch's future itself, no coroutine between.
            return self.enqueue(operation, follow, locks, first, piped)
        return self._traced(self.enqueue(operation, follow, locks, first, piped))

    async def _traced(self, done: asyncio.Future[T]) -> T:
        """``done``'s result, awaited inside a write span."""
        with write_span():
            return await done

    def enqueue(
        self,
        operation: Operation[T],
        follow: Follow[T] | None = None,
        locks: Iterable[int] = (),
        first: bool = False,
        piped: Piped[T] | None = None,
    ) -> asyncio.Future[T]:
        """Queues ``operation`` for the next batch; the future resolves after the commit."""
        if not self._accepting:
            raise DomainError(ErrorKind.UNAVAILABLE, "SHUTTING_DOWN", "The server is shutting down; retry.")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._put(Pending(operation, future, follow, tuple(locks), piped=piped), first)
        return future

    def submit(self, operation: Operation[Any]) -> None:
        """Queues ``operation`` without waiting for it (for records nobody waits on)."""
        if not self._accepting:
            return
        future = asyncio.get_running_loop().create_future()
        future.add_done_callback(_log_failure)
        self._put(Pending(operation, future))

    def abandon(self, error: BaseException) -> int:
        """Answers every waiting caller with ``error`` at once (the database is gone or hung).

        Queued operations are dropped unrun, so their callers never find the write done later.
        The batch being written keeps going and its callers are answered too, though whether it
        commits is not known until the database answers: if it does, its follow-ups still run (a
        reservation so made expires by its time-to-live; a checkout retried with its key finds
        its order). Returns the callers answered.
        """
        answered = 0
        while self._pending:
            item = self._pending.popleft()
            self.backlog -= 1
            if not item.future.done():
                item.future.set_exception(error)
                answered += 1
        for item in self._writing:
            item.abandoned = True
            if not item.future.done():
                item.future.set_exception(error)
                answered += 1
        return answered

    def joined(self) -> None:
        """Notes a request that joined an operation still queued, so the batch waits for more like it."""
        self._arrivals += 1

    def _put(self, item: Pending, first: bool = False) -> None:
        self._arrivals += 1
        self.backlog += 1
        if first:
            self._pending.appendleft(item)
        else:
            self._pending.append(item)
        if not self._wake.is_set():
            self._wake.set()
        self._gather.queued(len(self._pending))

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
            wanted = self._gather.expected()
            if wanted > len(pending):
                await self._gather.wait(wanted)
                if not pending:
                    continue  # abandoned meanwhile
            batch = [pending.popleft() for _ in range(min(len(pending), self._max_batch))]
            await self._commit(batch)

    async def _commit(self, batch: list[Pending]) -> None:
        assert self._session is not None
        started = time.perf_counter()
        arrivals = self._arrivals
        self._writing = batch
        try:
            await self._session.apply(batch)
        except Exception as failure:
            # One line: an operation that fails again alone reaches its caller, and is logged there.
            logger.warning("batch of %d failed (%s); retrying one by one", len(batch), type(failure).__name__)
            for item in batch:
                if item.abandoned:
                    item.outcome = (False, failure)
                    continue
                try:
                    await self._session.apply([item])
                except Exception as error:
                    item.outcome = (False, error)
        self._writing = []
        self._gather.written(len(batch), self._arrivals - arrivals)
        self.batches += 1
        self.operations += len(batch)
        if self.committed is not None:
            self.committed(len(batch), time.perf_counter() - started)
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


def _follow(follow: Follow[Any], result: Any) -> None:
    try:
        follow(result)
    except Exception:
        # The write committed: its caller is still answered with its result.
        logger.exception("following a committed write failed")


def _log_failure(future: asyncio.Future[Any]) -> None:
    error = None if future.cancelled() else future.exception()
    if isinstance(error, DomainError | OperationalError | sqlite3.OperationalError):
        # Refused, or the database unreachable or failing: one line a write says it, no traceback each.
        logger.warning("background write failed: %s", one_line(error))
    elif error is not None:
        logger.error("background write failed", exc_info=error)
