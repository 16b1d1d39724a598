"""A month's offer collection over the live streams: ask, wait for the answers or the deadline, record."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from central.domain.months import MonthState
from central.link import replies
from central.link.messages import OfferAsk
from central.link.session import LinkSession
from central.service.book import StockBook
from central.service.offers import OfferDesk, OfferLineInput
from central.storage.outage import database_gone
from nodekit.db.writer import WriteQueue
from nodekit.errors import DomainError
from nodekit.ids import new_id
from nodekit.logs import one_line

logger = logging.getLogger(__name__)


@dataclass
class _Collection:
    """One month's offer collection in progress."""

    month: int
    deadline: float
    request_ids: dict[str, str] = field(default_factory=dict)
    recording: dict[str, asyncio.Task[bool]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class OfferCollector:
    """Asks every connected manufacturer for its offer and records the answers through ``OfferDesk``.

    Args:
        engine: Where the other centrals' notes of answers are read (``shared`` only).
        writer: The group-commit writer each answer is noted through.
        book: The month in memory: an offer counts only while its month collects.
        clock: Aware UTC now.
        offers: Where offers are recorded.
        configured: Names of the manufacturers with a configured key.
        sessions: The live streams by manufacturer id (the registry's, read as they change).
        shared: Other centrals write the same database and relay the request to their streams.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        writer: WriteQueue,
        book: StockBook,
        clock: Callable[[], datetime],
        offers: OfferDesk,
        configured: list[str],
        sessions: Mapping[int, LinkSession],
        *,
        shared: bool,
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._book = book
        self._clock = clock
        self._shared = shared
        self._offers = offers
        self._configured = configured
        self._sessions = sessions
        self._collection: _Collection | None = None
        self._relays: set[asyncio.Task[None]] = set()

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
        if self._shared:
            async with self._engine.connect() as connection:
                answered = await connection.run_sync(replies.replies, month, self._configured)
            offered |= {name for name, accepted in answered.items() if accepted}
        skipped = sorted((set(self._configured) | set(collection.request_ids)) - offered)
        return sorted(offered), skipped

    async def _still_waiting(self, collection: _Collection) -> bool:
        if any(s.name not in collection.recording for s in self._sessions.values()):
            return True
        if not self._shared:
            return False
        async with self._engine.connect() as connection:
            answered = await connection.run_sync(replies.replies, collection.month, self._configured)
        return any(name not in answered and name not in collection.recording for name in self._configured)

    def relay(self, month: int, due_at: datetime) -> None:
        """Asks the manufacturers connected here for the offers of a month another central is opening."""
        remaining_s = (due_at - self._clock()).total_seconds()
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
        book = self._book
        return book.month == month and book.state is MonthState.COLLECTING

    def look_again(self) -> None:
        """Something a collection waits on changed (an answer elsewhere, a stream gone): it looks again."""
        if self._collection is not None:
            self._collection.changed.set()

    def joined(self, session: LinkSession) -> None:
        """A stream that connects while a month collects is asked too."""
        collection = self._collection
        if (
            collection is not None
            and session.name not in collection.recording
            and self._collecting(collection.month)
        ):
            self._ask(session, collection)
            collection.changed.set()

    def _ask(self, session: LinkSession, collection: _Collection) -> None:
        request_id = new_id()
        collection.request_ids[session.name] = request_id
        remaining_ms = int((collection.deadline - asyncio.get_running_loop().time()) * 1000)
        session.ask(OfferAsk(request_id, collection.month, max(1, remaining_ms)))

    def received(
        self, session: LinkSession, request_id: str, month: int, lines: list[OfferLineInput]
    ) -> None:
        """Starts recording an offer that answers the current request; anything else is ignored."""
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
        now = self._clock()
        try:
            await self._writer.run(lambda c: replies.record_reply(c, month, name, accepted, now))
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


def _failed(error: Exception, message: str, *args: object) -> None:
    """Logs a failed step of one manufacturer's reply: one line when it says why, else the traceback."""
    if isinstance(error, DomainError) or database_gone(error):
        # Shutting down, or the database gone (its watch logs the outage): the reason is the news.
        logger.warning(message + ": %s", *args, one_line(error))
    else:
        logger.exception(message, *args)
