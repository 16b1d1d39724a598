"""Live manufacturer streams: offer collection, notification wake-ups, acks, operator view."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from central.domain.months import MonthState
from central.link import outbox, replies
from central.link.messages import ManufacturerLink, OfferAsk, OutboxItem
from central.link.session import LinkSession
from central.service.core import Core
from central.service.events import Depleted, Event, MonthClosed
from central.service.offers import OfferDesk, OfferLineInput
from central.storage.outage import database_gone
from nodekit.errors import DomainError
from nodekit.ids import new_id
from nodekit.logs import one_line

logger = logging.getLogger(__name__)

# last_seen_at is kept in memory per message and written at most this often per manufacturer.
TOUCH_EVERY_S = 1.0


@dataclass
class _Collection:
    """One month's offer collection in progress."""

    month: int
    deadline: float
    request_ids: dict[str, str] = field(default_factory=dict)
    recording: dict[str, asyncio.Task[bool]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class LinkRegistry:
    """Knows which manufacturers are connected and speaks to them through their sessions.

    It is the month desk's offer collector: every connected manufacturer is asked
    over its stream; replies are recorded through ``OfferDesk.submit_offer``.

    Args:
        core: Shared engine, writer and clock.
        offers: Where offers are recorded.
        configured: Names of the manufacturers with a configured key.
    """

    def __init__(self, core: Core, offers: OfferDesk, configured: Iterable[str]) -> None:
        self._core = core
        self._offers = offers
        self._configured = sorted(configured)
        self._sessions: dict[int, LinkSession] = {}
        self._last_seen: dict[int, datetime] = {}
        self._touched: dict[int, datetime] = {}
        self._collection: _Collection | None = None
        self._relays: set[asyncio.Task[None]] = set()

    # -- offer collection (OfferCollector) ------------------------------------------
    async def collect(self, month: int, deadline_s: float) -> tuple[list[str], list[str]]:
        """Asks every connected manufacturer; returns (offered in time, skipped) by name.

        Waits until every manufacturer has answered or the deadline passes; one
        that connects meanwhile is asked too. Alone, a central waits for the
        manufacturers connected to it. When the database is shared, the others
        relay the request to the manufacturers connected to them and every
        answer is noted in the database, so this central waits until every
        configured manufacturer has answered (or the deadline). Offers still
        being recorded at the deadline are waited for, so a name is never both
        skipped and on sale.
        """
        loop = asyncio.get_running_loop()
        collection = _Collection(month, loop.time() + deadline_s)
        self._collection = collection
        try:
            for session in list(self._sessions.values()):
                self._ask(session, collection)
            while True:
                remaining = collection.deadline - loop.time()
                if remaining <= 0 or not await self._still_waiting(collection):
                    break
                collection.changed.clear()
                try:
                    await asyncio.wait_for(collection.changed.wait(), remaining)
                except TimeoutError:
                    break
        finally:
            self._collection = None
        names = list(collection.recording)
        results = await asyncio.gather(*collection.recording.values())
        offered = {name for name, ok in zip(names, results, strict=True) if ok}
        if self._core.shared:
            async with self._core.engine.connect() as connection:
                answered = await connection.run_sync(replies.replies, month, self._configured)
            offered |= {name for name, accepted in answered.items() if accepted}
        skipped = sorted((set(self._configured) | set(collection.request_ids)) - offered)
        return sorted(offered), skipped

    async def _still_waiting(self, collection: _Collection) -> bool:
        if any(s.name not in collection.recording for s in self._sessions.values()):
            return True
        if not self._core.shared:
            return False
        async with self._core.engine.connect() as connection:
            answered = await connection.run_sync(replies.replies, collection.month, self._configured)
        return any(name not in answered and name not in collection.recording for name in self._configured)

    def relay(self, month: int, due_at: datetime) -> None:
        """Asks the manufacturers connected here for the offers of a month another central is opening."""
        remaining_s = (due_at - self._core.clock()).total_seconds()
        if remaining_s <= 0 or self._collection is not None:
            return
        collection = _Collection(month, asyncio.get_running_loop().time() + remaining_s)
        self._collection = collection
        for session in list(self._sessions.values()):
            self._ask(session, collection)
        logger.info("month %d: relayed the offer request to %d manufacturer(s)", month, len(self._sessions))
        task = asyncio.create_task(self._end_relay(collection, remaining_s), name="offer-relay")
        self._relays.add(task)
        task.add_done_callback(self._relays.discard)

    async def _end_relay(self, collection: _Collection, remaining_s: float) -> None:
        await asyncio.sleep(remaining_s)
        if self._collection is collection:
            self._collection = None
        await asyncio.gather(*collection.recording.values(), return_exceptions=True)

    def _collecting(self, month: int) -> bool:
        """Whether ``month`` is still collecting offers (a relay outlives its month's opening)."""
        book = self._core.book
        return book.month == month and book.state is MonthState.COLLECTING

    def offers_changed(self) -> None:
        """Another central noted an answer: a collection waiting for it looks again."""
        if self._collection is not None:
            self._collection.changed.set()

    def _ask(self, session: LinkSession, collection: _Collection) -> None:
        request_id = new_id()
        collection.request_ids[session.name] = request_id
        remaining_ms = int((collection.deadline - asyncio.get_running_loop().time()) * 1000)
        session.ask(OfferAsk(request_id, collection.month, max(1, remaining_ms)))

    def offer_received(
        self, session: LinkSession, request_id: str, month: int, lines: list[OfferLineInput]
    ) -> None:
        """Starts recording an offer that answers the current request; anything else is ignored."""
        self.seen(session)
        collection = self._collection
        if (
            collection is None
            or not self._collecting(collection.month)
            or collection.month != month
            or collection.request_ids.get(session.name) != request_id
            or session.name in collection.recording
        ):
            logger.warning(
                "ignored offer from %s for month %d (request %s): late or not asked for",
                session.name,
                month,
                request_id,
            )
            return
        collection.recording[session.name] = asyncio.create_task(self._record(session.name, month, lines))
        collection.changed.set()

    async def _record(self, name: str, month: int, lines: list[OfferLineInput]) -> bool:
        accepted = await self._record_offer(name, month, lines)
        now = self._core.clock()
        try:
            await self._core.writer.run(lambda c: replies.record_reply(c, month, name, accepted, now))
        except Exception as error:
            _failed(error, "month %d: noting the answer of %s failed", month, name)
        return accepted

    async def _record_offer(self, name: str, month: int, lines: list[OfferLineInput]) -> bool:
        if not lines:
            logger.info("month %d: %s has nothing to offer", month, name)
            return True
        try:
            await self._offers.submit_offer(name, month, lines)
        except DomainError as error:
            if error.reason == "OFFER_ALREADY_SUBMITTED":
                # Its lines for this month are already on sale (it restarted and lost its state).
                logger.warning("month %d: %s changed its offer; keeping the first", month, name)
                return True
            logger.warning("month %d: offer from %s refused: %s", month, name, error.message)
            return False
        except Exception as error:
            _failed(error, "month %d: recording the offer of %s failed", month, name)
            return False
        logger.info("month %d: offer from %s recorded (%d lines)", month, name, len(lines))
        return True

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
        if self._core.shared:
            me = self._core.central_id
            self._core.writer.submit(lambda c: outbox.link_at(c, manufacturer_id, me))
        self.seen(session, force=True)
        collection = self._collection
        if collection is not None and name not in collection.recording and self._collecting(collection.month):
            self._ask(session, collection)
            collection.changed.set()
        logger.info("%s connected", name)
        return session

    def detach(self, session: LinkSession) -> None:
        """Forgets a stream that ended (only if it is still the manufacturer's current one)."""
        session.close()
        if self._sessions.get(session.manufacturer_id) is session:
            del self._sessions[session.manufacturer_id]
            if self._core.shared:
                me, gone = self._core.central_id, session.manufacturer_id
                self._core.writer.submit(lambda c: outbox.link_at(c, gone, None, only_if=me))
            self.seen(session, force=True)
            if self._collection is not None:
                self._collection.changed.set()
            logger.info("%s disconnected", session.name)

    def seen(self, session: LinkSession, force: bool = False) -> None:
        """Notes a message from the manufacturer; persisted at most every TOUCH_EVERY_S."""
        now = self._core.clock()
        manufacturer_id = session.manufacturer_id
        self._last_seen[manufacturer_id] = now
        last = self._touched.get(manufacturer_id)
        if force or last is None or (now - last).total_seconds() >= TOUCH_EVERY_S:
            self._touched[manufacturer_id] = now
            self._core.writer.submit(lambda c: outbox.touch(c, manufacturer_id, now))

    async def acknowledged(self, session: LinkSession, notification_id: int) -> None:
        """Marks a notification applied by the manufacturer; it is not sent again."""
        self.seen(session)
        now = self._core.clock()
        done = await self._core.writer.run(
            lambda c: outbox.acknowledge(c, session.manufacturer_id, notification_id, now)
        )
        logger.debug("ack of %d from %s: %s", notification_id, session.name, done)

    async def _fetch(self, manufacturer_id: int, after_id: int) -> list[OutboxItem]:
        async with self._core.engine.connect() as connection:
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
        async with self._core.engine.connect() as connection:
            rows = await connection.run_sync(outbox.overview, self._configured)
            elsewhere = await connection.run_sync(outbox.linked_elsewhere, self._core.central_id)
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


def _failed(error: Exception, message: str, *args: object) -> None:
    """Logs a failed step of one manufacturer's reply: one line when it says why, else the traceback."""
    if isinstance(error, DomainError) or database_gone(error):
        # Shutting down, or the database gone (its watch logs the outage): the reason is the news.
        logger.warning(message + ": %s", *args, one_line(error))
    else:
        logger.exception(message, *args)
