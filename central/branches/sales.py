"""Sales ledger: commits streamed sales exactly once, in sequence, acknowledging after the commit."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from central.branches.model import Sale, SaleAck, check_sale
from central.branches.schema import branch_sale_items, branch_sales, branches
from central.service.core import Core
from central.storage.prepared import Prepared, prepared_insert
from nodekit.errors import precondition

# Sales read ahead of their acks; they share group-commit batches, and the bound keeps memory flat.
WINDOW = 256


class SalesLedger:
    """The central's record of every branch sale."""

    def __init__(self, core: Core) -> None:
        self._core = core

    async def last_sequence(self, branch_id: int) -> int:
        """The highest sequence committed for the branch (0 if none)."""
        async with self._core.engine.connect() as connection:
            value = (
                await connection.execute(
                    select(branches.c.last_sequence).where(branches.c.branch_id == branch_id)
                )
            ).scalar()
        return int(value or 0)

    async def record(self, branch_id: int, sale: Sale) -> SaleAck:
        """Commits one sale (or finds it committed before); returns after the commit."""
        return await self._queue(branch_id, sale)

    def _queue(self, branch_id: int, sale: Sale) -> asyncio.Future[SaleAck]:
        """Checks the sale and queues it for the next batch; the future resolves after the commit."""
        check_sale(sale)
        now = self._core.clock()
        return self._core.writer.enqueue(lambda c: _record(c, branch_id, sale, now))

    async def stream(self, branch_id: int, sales: AsyncIterable[Sale]) -> AsyncIterator[int | SaleAck]:
        """Yields the resume point, then one ack per sale in arrival order, each after its commit.

        Up to ``WINDOW`` sales are in the write queue at once, so a busy stream
        fills group-commit batches instead of paying one commit per sale; the
        queue applies them in order, so sequence checks still see their
        predecessors.
        """
        yield await self.last_sequence(branch_id)
        pending: asyncio.Queue[asyncio.Future[SaleAck] | None] = asyncio.Queue(WINDOW)

        async def pump() -> None:
            try:
                async for sale in sales:
                    await pending.put(self._queue(branch_id, sale))
            finally:
                await pending.put(None)

        reader = asyncio.create_task(pump(), name=f"branch-{branch_id}-sales")
        try:
            while (future := await pending.get()) is not None:
                yield await future
            await reader
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            while not pending.empty():
                left = pending.get_nowait()
                if left is not None:
                    left.cancel()


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
_SALE_FIELDS = (
    "transaction_id",
    "branch_id",
    "sequence",
    "occurred_at",
    "business_day",
    "subtotal_cents",
    "tax_cents",
    "total_cents",
    "payment_method",
    "customer_name",
    "received_at",
)
_INSERT_SALE = prepared_insert(branch_sales, *_SALE_FIELDS)
_ITEM_FIELDS = ("transaction_id", "position", "product", "quantity", "unit_price_cents")
_INSERT_ITEM = prepared_insert(branch_sale_items, *_ITEM_FIELDS)


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
    _ADVANCE.execute(connection, {"branch": branch_id, "last": last, "sequence": sale.sequence})
    _INSERT_SALE.execute(
        connection,
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
        },
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
            for position, item in enumerate(sale.items)
        ],
    )
    return SaleAck(sale.sequence, sale.transaction_id, duplicate=False)
