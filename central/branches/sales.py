"""Sales ledger: commits streamed sales exactly once, in sequence, acknowledging after the commit."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from central.branches.model import Sale, SaleAck, check_sale
from central.branches.schema import branch_sale_items, branch_sales, branches
from nodekit.db.prepared import Prepared, prepared_insert, savepoint
from nodekit.db.writer import WriteQueue
from nodekit.errors import DomainError, ErrorKind, precondition

# Sales read ahead of their acks; they share group-commit batches, and the bound keeps memory flat.
WINDOW = 256

# What the write of a run gives each of its sales, in order; it stops at the first refusal.
Outcome = SaleAck | DomainError


class _Run:
    """Consecutive sales of one stream, written by one operation of the next batch.

    The stream adds each sale it reads to its newest run until the writer takes
    that run, so a busy stream pays one sequence check and one multi-row insert
    per batch rather than five statements per sale.
    """

    __slots__ = ("future", "sales", "taken")

    def __init__(self) -> None:
        self.sales: list[Sale] = []
        self.taken = False
        self.future: asyncio.Future[list[Outcome]] | None = None


class SalesLedger:
    """The central's record of every branch sale."""

    def __init__(self, engine: AsyncEngine, writer: WriteQueue, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._writer = writer
        self._clock = clock

    async def last_sequence(self, branch_id: int) -> int:
        """The highest sequence committed for the branch (0 if none)."""
        async with self._engine.connect() as connection:
            value = (
                await connection.execute(
                    select(branches.c.last_sequence).where(branches.c.branch_id == branch_id)
                )
            ).scalar()
        return int(value or 0)

    async def stream(self, branch_id: int, sales: AsyncIterable[Sale]) -> AsyncIterator[int | list[SaleAck]]:
        """Yields the resume point, then the acks of each commit, in arrival order.

        Up to ``WINDOW`` sales are read ahead of their acks. Those that arrive
        while the writer is busy join one run, written in the next batch; runs
        are queued in order, so sequence checks still see their predecessors.
        The first refused sale ends the stream with its error, after the acks
        of the sales before it.
        """
        yield await self.last_sequence(branch_id)
        window = asyncio.Semaphore(WINDOW)
        runs: asyncio.Queue[_Run | None] = asyncio.Queue()

        async def pump() -> None:
            run: _Run | None = None
            try:
                async for sale in sales:
                    await window.acquire()
                    check_sale(sale)
                    if run is None or run.taken:
                        run = self._queue_run(branch_id)
                        runs.put_nowait(run)
                    else:
                        self._writer.joined()
                    run.sales.append(sale)
            finally:
                runs.put_nowait(None)

        reader = asyncio.create_task(pump(), name=f"branch-{branch_id}-sales")
        try:
            while (run := await runs.get()) is not None:
                assert run.future is not None
                outcomes = await run.future
                acks = [outcome for outcome in outcomes if isinstance(outcome, SaleAck)]
                for _ in acks:
                    window.release()
                if acks:
                    yield acks
                for refusal in (outcome for outcome in outcomes if isinstance(outcome, DomainError)):
                    raise refusal  # The run stopped at it; the stream ends with it.
            await reader
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            while not runs.empty():
                left = runs.get_nowait()
                if left is not None and left.future is not None:
                    left.future.cancel()

    def _queue_run(self, branch_id: int) -> _Run:
        run = _Run()
        clock = self._clock

        def write(connection: Connection) -> list[Outcome]:
            # From here on the stream starts a new run; this one is fixed.
            run.taken = True
            return _record_run(connection, branch_id, run.sales, clock())

        run.future = self._writer.enqueue(write)
        return run


_EARLIER = Prepared(
    select(branch_sales.c.branch_id, branch_sales.c.sequence).where(
        branch_sales.c.transaction_id == bindparam("transaction")
    )
)
_LAST_SEQUENCE = Prepared(select(branches.c.last_sequence).where(branches.c.branch_id == bindparam("branch")))
_ADVANCE = Prepared(
    update(branches)
    .where(branches.c.branch_id == bindparam("branch"), branches.c.last_sequence == bindparam("last"))
    .values(last_sequence=bindparam("sequence"))
)
# Every column of both tables is written, so the rows built in ``_append`` name them all.
_INSERT_SALE = prepared_insert(branch_sales)
_INSERT_ITEM = prepared_insert(branch_sale_items)


def _record_run(connection: Connection, branch_id: int, sales: list[Sale], now: datetime) -> list[Outcome]:
    """Writes a run of sales: all at once when they continue the branch's sequence, else one by one."""
    (last,) = _LAST_SEQUENCE.rows(connection, {"branch": branch_id})[0]
    if all(sale.sequence == last + offset for offset, sale in enumerate(sales, start=1)):
        try:
            with savepoint(connection):
                _append(connection, branch_id, last, sales, now)
            return [SaleAck(sale.sequence, sale.transaction_id, duplicate=False) for sale in sales]
        except (IntegrityError, sqlite3.IntegrityError):
            pass  # A transaction id used before: one by one tells which sale, and refuses it.
    outcomes: list[Outcome] = []
    for sale in sales:
        try:
            outcomes.append(_record(connection, branch_id, sale, now))
        except DomainError as error:
            outcomes.append(error)
            break
    return outcomes


def _record(connection: Connection, branch_id: int, sale: Sale, now: datetime) -> SaleAck:
    earlier = _EARLIER.first(connection, {"transaction": sale.transaction_id})
    if earlier is not None:
        if earlier != (branch_id, sale.sequence):
            raise precondition(
                "TRANSACTION_ID_REUSED",
                f"Transaction {sale.transaction_id} was recorded with another sequence or branch.",
                transaction_id=sale.transaction_id,
            )
        return SaleAck(sale.sequence, sale.transaction_id, duplicate=True)
    (last,) = _LAST_SEQUENCE.rows(connection, {"branch": branch_id})[0]
    if sale.sequence != last + 1:
        # A used sequence with a new id, or a gap: the branch's outbox is out of step.
        raise precondition(
            "SEQUENCE_OUT_OF_ORDER",
            f"Expected sequence {last + 1}, got {sale.sequence} for {sale.transaction_id}.",
            expected=last + 1,
            sequence=sale.sequence,
            transaction_id=sale.transaction_id,
        )
    _append(connection, branch_id, last, [sale], now)
    return SaleAck(sale.sequence, sale.transaction_id, duplicate=False)


def _append(connection: Connection, branch_id: int, last: int, sales: list[Sale], now: datetime) -> None:
    """Advances the branch's sequence from ``last`` over ``sales`` (consecutive) and inserts them."""
    advance = {"branch": branch_id, "last": last, "sequence": sales[-1].sequence}
    if _ADVANCE.execute(connection, advance) != 1:
        # Another central process recorded sales of this branch in between.
        raise DomainError(
            ErrorKind.CONFLICT, "SEQUENCE_MOVED", "The branch's sales moved on meanwhile; resume the stream."
        )
    _INSERT_SALE.execute_many(
        connection,
        [
            {
                "transaction_id": sale.transaction_id,
                "branch_id": branch_id,
                "sequence": sale.sequence,
                "occurred_at": sale.occurred_at,
                "business_day": sale.business_day,
                "subtotal_cents": sale.subtotal_cents,
                "tax_cents": sale.tax_cents,
                "total_cents": sale.total_cents,
                "payment_method": sale.payment_method,
                "customer_name": sale.customer_name,
                "received_at": now,
            }
            for sale in sales
        ],
    )
    _INSERT_ITEM.execute_many(
        connection,
        [
            {
                "transaction_id": sale.transaction_id,
                "position": position,
                "product": item.product,
                "quantity": item.quantity,
                "unit_price_cents": item.unit_price_cents,
            }
            for sale in sales
            for position, item in enumerate(sale.items)
        ],
    )
