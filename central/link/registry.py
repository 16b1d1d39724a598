"""Live manufacturer streams: which are connected, their notification wake-ups and acks, the operator's view.

A month's offer collection over these streams is ``OfferCollector``'s (``central/link/collector.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from central.link import outbox
from central.link.collector import OfferCollector
from central.link.messages import ManufacturerLink, OutboxItem
from central.link.session import LinkSession
from central.service.book import StockBook
from central.service.events import Depleted, Event, MonthClosed
from central.service.offers import OfferDesk, OfferLineInput
from nodekit.db.writer import WriteQueue

logger = logging.getLogger(__name__)

# last_seen_at is kept in memory per message and written at most this often per manufacturer.
TOUCH_EVERY_S = 1.0


class LinkRegistry:
    """Knows which manufacturers are connected and speaks to them through their sessions.

    It is the month desk's offer collector: every connected manufacturer is asked
    over its stream through an ``OfferCollector``, which records the replies through
    ``OfferDesk.submit_offer``.

    Args:
        engine: Where the outbox and the link states are read.
        writer: The group-commit writer of acks, last-seen times and links.
        book: The month in memory (the collector's).
        clock: Aware UTC now.
        offers: Where offers are recorded.
        configured: Names of the manufacturers with a configured key.
        central_id: This central's id, which the links it holds are noted under.
        shared: Other centrals write the same database (the links are then noted there).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        writer: WriteQueue,
        book: StockBook,
        clock: Callable[[], datetime],
        offers: OfferDesk,
        configured: Iterable[str],
        *,
        central_id: str,
        shared: bool,
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._clock = clock
        self._central_id = central_id
        self._shared = shared
        self._configured = sorted(configured)
        self._sessions: dict[int, LinkSession] = {}
        self._last_seen: dict[int, datetime] = {}
        self._touched: dict[int, datetime] = {}
        self._collector = OfferCollector(
            engine, writer, book, clock, offers, self._configured, self._sessions, shared=shared
        )

    # -- offer collection (the month desk's OfferCollector) ----------------------------
    async def collect(self, month: int, deadline_s: float) -> tuple[list[str], list[str]]:
        """(offered in time, skipped) by name, once all answered or at the deadline (``OfferCollector``)."""
        return await self._collector.collect(month, deadline_s)

    def relay(self, month: int, due_at: datetime) -> None:
        """Asks the manufacturers connected here for the offers of a month another central is opening."""
        self._collector.relay(month, due_at)

    def offers_changed(self) -> None:
        """Another central noted an answer: a collection waiting for it looks again."""
        self._collector.look_again()

    def offer_received(
        self, session: LinkSession, request_id: str, month: int, lines: list[OfferLineInput]
    ) -> None:
        """Starts recording an offer that answers the current request; anything else is ignored."""
        self.seen(session)
        self._collector.received(session, request_id, month, lines)

    # -- stream lifecycle -----------------------------------------------------------
    def attach(self, manufacturer_id: int, name: str) -> LinkSession:
        """Registers a new stream for the manufacturer; an older one of it is closed."""
        old = self._sessions.get(manufacturer_id)
        if old is not None:
            logger.info("%s reconnected; closing its previous stream", name)
            old.close()
        session = LinkSession(manufacturer_id, name, self._fetch)
        self._sessions[manufacturer_id] = session
        session.start()
        if self._shared:
            me = self._central_id
            self._writer.submit(lambda c: outbox.link_at(c, manufacturer_id, me))
        self.seen(session, force=True)
        self._collector.joined(session)
        logger.info("%s connected", name)
        return session

    def detach(self, session: LinkSession) -> None:
        """Forgets a stream that ended (only if it is still the manufacturer's current one)."""
        session.close()
        if self._sessions.get(session.manufacturer_id) is session:
            del self._sessions[session.manufacturer_id]
            if self._shared:
                me, gone = self._central_id, session.manufacturer_id
                self._writer.submit(lambda c: outbox.link_at(c, gone, None, only_if=me))
            self.seen(session, force=True)
            self._collector.look_again()
            logger.info("%s disconnected", session.name)

    def seen(self, session: LinkSession, force: bool = False) -> None:
        """Notes a message from the manufacturer; persisted at most every TOUCH_EVERY_S."""
        now = self._clock()
        manufacturer_id = session.manufacturer_id
        self._last_seen[manufacturer_id] = now
        last = self._touched.get(manufacturer_id)
        if force or last is None or (now - last).total_seconds() >= TOUCH_EVERY_S:
            self._touched[manufacturer_id] = now
            self._writer.submit(lambda c: outbox.touch(c, manufacturer_id, now))

    async def acknowledged(self, session: LinkSession, notification_id: int) -> None:
        """Marks a notification applied by the manufacturer; it is not sent again."""
        self.seen(session)
        now = self._clock()
        done = await self._writer.run(
            lambda c: outbox.acknowledge(c, session.manufacturer_id, notification_id, now)
        )
        logger.debug("ack of %d from %s: %s", notification_id, session.name, done)

    async def _fetch(self, manufacturer_id: int, after_id: int) -> list[OutboxItem]:
        async with self._engine.connect() as connection:
            return await connection.run_sync(outbox.pending, manufacturer_id, after_id)

    # -- wake-ups ---------------------------------------------------------------------
    def wake(self, manufacturer_ids: Iterable[int]) -> None:
        """Sends these manufacturers what is waiting for them, if their streams are here."""
        for manufacturer_id in manufacturer_ids:
            session = self._sessions.get(manufacturer_id)
            if session is not None:
                session.wake()

    def wake_all(self) -> None:
        """Sends every manufacturer connected here what is waiting for it."""
        for session in self._sessions.values():
            session.wake()

    # -- events -----------------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        """Wakes the pumps of the manufacturers a committed event has notifications for."""
        if isinstance(event, Depleted):
            self.wake((event.manufacturer_id,))
        elif isinstance(event, MonthClosed):
            self.wake_all()

    # -- operator view ----------------------------------------------------------------
    async def links(self) -> list[ManufacturerLink]:
        """Every configured manufacturer with its link state and pending notifications."""
        async with self._engine.connect() as connection:
            rows = await connection.run_sync(outbox.overview, self._configured)
            elsewhere = await connection.run_sync(outbox.linked_elsewhere, self._central_id)
        return [
            ManufacturerLink(
                manufacturer_id,
                name,
                manufacturer_id in self._sessions or manufacturer_id in elsewhere,
                self._last_seen.get(manufacturer_id, last_seen),
                waiting,
            )
            for manufacturer_id, name, last_seen, waiting in rows
        ]

    def close_all(self) -> None:
        """Ends every stream (at shutdown, so draining need not wait for them)."""
        for session in list(self._sessions.values()):
            self.detach(session)
