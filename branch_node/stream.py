"""Streams the outbox to the central: resume where it says, send in order, record its acks.

The central's ``SalesResume`` is the authority on what it holds, so the
branch always resends from there (its outbox keeps every sale); the
central deduplicates by transaction id. A lost ack therefore costs one
resend, never a double count, and a lost connection costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

import grpc

from branch_node import sales_outbox
from branch_node.headquarters import branch_refused
from branch_node.storage.store import Store
from distribution_client import Branch, CentralService, OpenSales, SaleAcks, SalesResume
from nodekit.observability.carried import carrying, remembered
from nodekit.refusals import is_refusal
from nodekit.retry import Backoff

logger = logging.getLogger(__name__)

BATCH = 200


class SalesStream:
    """Keeps one StreamSales call alive, reconnecting through the house backoff."""

    def __init__(
        self,
        store: Store,
        channel: grpc.aio.Channel,
        key: str,
        clock: Callable[[], datetime],
        name: str = "",
    ) -> None:
        self._store = store
        self._name = name
        # The name goes with the key: the central refuses a key presented under another name.
        self._branch = Branch(CentralService(channel), key, name)
        self._clock = clock
        self._wake = asyncio.Event()
        self._progress = asyncio.Condition()
        self.acked = 0
        self.sessions = 0

    def notify(self) -> None:
        """Tells the sender a new sale is in the outbox."""
        self._wake.set()

    async def wait_acked(self, sequence: int, timeout_s: float) -> bool:
        """Waits until the central has committed ``sequence``; False on timeout."""
        try:
            async with asyncio.timeout(timeout_s), self._progress:
                await self._progress.wait_for(lambda: self.acked >= sequence)
            return True
        except TimeoutError:
            return False

    async def run(self) -> None:
        """Streams until cancelled; every session ends in an error, then backs off and reconnects.

        Raises:
            nodekit.refusals.CredentialsRefused: When the central refuses the branch's key.
        """
        backoff = Backoff()
        while True:
            try:
                await self._session(backoff)
            except (grpc.aio.AioRpcError, ConnectionError) as error:
                if is_refusal(error):
                    raise branch_refused(self._name, error) from error
                code = error.code().name if isinstance(error, grpc.aio.AioRpcError) else "EOF"
                wait = backoff.next_wait()
                logger.warning("sales stream ended (%s); reconnecting in %.2fs", code, wait)
                await asyncio.sleep(wait)

    async def _session(self, backoff: Backoff) -> None:
        stream = self._branch.open_sales()
        sender: asyncio.Task[None] | None = None
        try:
            first = await stream.receive()
            if not isinstance(first, SalesResume):
                raise ConnectionError("the central closed the stream before resuming")
            resume = first.last_sequence
            self.sessions += 1
            backoff.connected()
            logger.info("sales stream resumes after sequence %d", resume)
            await self._acknowledged(resume, flush=True)
            sender = asyncio.create_task(self._send(stream, resume), name="sales-sender")
            while (reply := await stream.receive()) is not None:
                if isinstance(reply, SaleAcks) and reply.acks:
                    # Acks come in sequence order: the last one covers the whole message.
                    await self._acknowledged(reply.acks[-1].sequence, flush=False)
            raise ConnectionError("the central ended the sales stream")
        finally:
            if sender is not None:
                sender.cancel()
                # A sender whose write met the stream's end has said so already through the
                # receiving side, which raised first; its own error would only mask that one.
                with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError, ConnectionError):
                    await sender
            stream.cancel()

    async def _send(self, stream: OpenSales, after: int) -> None:
        sent = after
        traced = carrying()
        while True:
            self._wake.clear()
            sales = await self._store.read(partial(sales_outbox.pending_sales, after=sent, limit=BATCH))
            for sale in sales:
                await stream.send(sale, remembered(sale.transaction_id) if traced else "")
                sent = sale.sequence
            if not sales:
                await self._wake.wait()

    async def _acknowledged(self, sequence: int, flush: bool) -> None:
        now = self._clock()
        if flush:
            await self._store.write(lambda c: sales_outbox.mark_acked(c, sequence, now))
        else:
            # Not awaited: a lost mark only means the next resume point comes from the central.
            self._store.writer.submit(lambda c: sales_outbox.mark_acked(c, sequence, now))
        async with self._progress:
            self.acked = max(self.acked, sequence) if not flush else sequence
            self._progress.notify_all()
