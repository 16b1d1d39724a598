"""One manufacturer stream: its outgoing queue and the pump that feeds it from the outbox."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from central.link.messages import OfferAsk, OutboxItem, Outgoing
from central.link.outbox import PAGE
from central.storage.outage import database_gone

logger = logging.getLogger(__name__)

Fetch = Callable[[int, int], Awaitable[list[OutboxItem]]]
"""(manufacturer_id, after_notification_id) -> unacknowledged notifications, oldest first."""

RETRY_FETCH_S = 0.5


class LinkSession:
    """Delivers offer requests and outbox notifications, in order, to one stream.

    The pump re-reads the outbox whenever it is woken (on connect, after a
    depletion or a month close) and sends only ids above the last one it sent,
    so a notification goes out once per stream and the replay on connect and
    the live pushes can never interleave out of order.
    """

    def __init__(self, manufacturer_id: int, name: str, fetch: Fetch) -> None:
        self.manufacturer_id = manufacturer_id
        self.name = name
        self._fetch = fetch
        self._queue: asyncio.Queue[Outgoing | None] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._wake.set()  # replay what is pending as soon as the stream starts
        self._last_sent = 0
        self._pump: asyncio.Task[None] | None = None
        self.closed = False

    def start(self) -> None:
        """Starts the outbox pump."""
        self._pump = asyncio.create_task(self._run(), name=f"link-pump-{self.name}")

    def wake(self) -> None:
        """Something new may be in the outbox for this manufacturer."""
        self._wake.set()

    def ask(self, ask: OfferAsk) -> None:
        """Queues an offer request."""
        if not self.closed:
            self._queue.put_nowait(ask)

    def close(self) -> None:
        """Stops the pump and ends the stream's outgoing side."""
        if self.closed:
            return
        self.closed = True
        if self._pump is not None:
            self._pump.cancel()
        self._queue.put_nowait(None)

    async def next(self) -> Outgoing | None:
        """The next message to send, or None once the session is closed."""
        if self.closed and self._queue.empty():
            return None
        return await self._queue.get()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                items = await self._fetch(self.manufacturer_id, self._last_sent)
            except Exception as error:
                # A database that is gone is logged once, by the central's database watch.
                if not database_gone(error):
                    logger.exception("reading the outbox of %s failed; retrying", self.name)
                await asyncio.sleep(RETRY_FETCH_S)
                self._wake.set()
                continue
            for item in items:
                self._queue.put_nowait(item)
                self._last_sent = item.notification_id
            if len(items) == PAGE:
                self._wake.set()
