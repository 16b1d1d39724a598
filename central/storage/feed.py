"""The change feed's listening side: what the other centrals committed, heard on PostgreSQL's LISTEN.

One connection of its own listens on the channel the writers notify in their
transactions. The writers announce only edges (a line with no unit left to
reserve, lines created, the month, notices, offers, links), so most commits
send nothing; the counters that merely moved are read at a bounded rate
instead (``refresh`` every ``REFRESH_S``): following costs per second, not per
call. Notices are merged while the previous ones are being applied. After a
reconnect (and at the start) everything is read again: notices sent while
the connection was down are lost, the database is not.

The same connection holds the month's ownership, a session advisory lock:
whoever holds it runs the month's timers. When the owner dies its connection
ends and the lock with it; another central takes it at its next try.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

import asyncpg
from sqlalchemy.engine import make_url

from central.domain.stock import Counters
from central.storage.changes import CHANNEL, sender_prefix
from central.storage.feed_news import FeedHandler, News
from central.storage.outage import database_gone
from central.storage.stock_rows import CHANGED_COUNTERS_SQL
from nodekit.retry import Backoff

logger = logging.getLogger(__name__)

OWNER_LOCK = 0x5C4E_3A10
# How often a central that does not own the month tries to take it over.
OWNER_TRY_S = 0.5
# How often the counters other centrals moved without news are read (a catalog lags at most this much).
REFRESH_S = 0.25
CONNECT_TIMEOUT_S = 10.0
START_TIMEOUT_S = 30.0


class OutageWatch(Protocol):
    """Told the errors the feed meets, so an outage is noticed (and logged) in one place.

    Also told when the database answered the feed's reads: the refresh every ``REFRESH_S``
    then serves as the heartbeat, which sends a probe of its own only when nothing answered.
    """

    def check(self, error: BaseException) -> BaseException: ...

    def answered(self) -> None: ...


def asyncpg_dsn(url: str) -> str:
    """The plain libpq URL asyncpg takes, from a SQLAlchemy ``postgresql+asyncpg://`` URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeFeed:
    """Listens for the other centrals' commits and holds (or waits for) the month's ownership.

    Args:
        dsn: The database, as asyncpg takes it.
        central_id: This central's id; its own notices are skipped (its book follows its own commits).
        handler: Applies the news.
    """

    def __init__(
        self, dsn: str, central_id: str, handler: FeedHandler, watch: OutageWatch | None = None
    ) -> None:
        self._dsn = dsn
        self._watch = watch
        self._central_id = central_id
        self._own = sender_prefix(central_id)
        self._handler = handler
        self._news = News()
        # When the oldest news not yet applied was heard; and who is told how long applying took.
        self._heard_at: float | None = None
        self.applied: Callable[[float], None] | None = None
        self._wake = asyncio.Event()
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._connection: asyncpg.Connection | None = None
        self.owner = False
        self.listening = asyncio.Event()

    async def start(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Starts listening; returns once the first catch-up has been applied.

        Raises:
            TimeoutError: the feed could not listen within ``timeout_s`` (the log says why).
        """
        self._task = asyncio.create_task(self._run(), name="change-feed")
        await asyncio.wait_for(self.listening.wait(), timeout_s)

    async def stop(self) -> None:
        """Stops listening and gives up the month's ownership."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._close()

    async def _run(self) -> None:
        backoff = Backoff()
        # A database that is gone is logged once by the watch; the feed says once that it is lost.
        quiet = False
        while True:
            try:
                await self._session(backoff)
                quiet = False
            except Exception as error:
                if not database_gone(error) and not _connection_broken(error):
                    # Whatever went wrong, the feed must go on: reading everything again repairs it.
                    logger.exception("change feed failed; reconnecting")
                elif not quiet:
                    logger.warning("change feed lost (%s); reconnecting", type(error).__name__)
                    quiet = True
                if self._watch is not None:
                    self._watch.check(error)
            await self._close()
            await self._set_owner(False)
            self.listening.clear()
            await asyncio.sleep(backoff.next_wait())

    async def _session(self, backoff: Backoff) -> None:
        # Named after the central: the others tell from it whether this central is alive.
        connection = await asyncpg.connect(
            self._dsn,
            timeout=CONNECT_TIMEOUT_S,
            server_settings={"application_name": f"central-{self._central_id}"},
        )
        self._connection = connection
        self._lost.clear()
        connection.add_termination_listener(lambda _: self._connection_lost())
        await connection.add_listener(CHANNEL, self._heard)
        await self._handler.caught_up()
        await self._try_ownership()
        self.listening.set()
        backoff.connected()
        logger.info("change feed listening (owner of the month: %s)", self.owner)
        now = time.monotonic()
        next_refresh, next_try = now + REFRESH_S, now + OWNER_TRY_S
        while not self._lost.is_set():
            await self._wait(min(next_refresh, next_try) - time.monotonic())
            await self._apply_news()
            now = time.monotonic()
            if now >= next_refresh:
                next_refresh = now + REFRESH_S
                await self._guarded(self._handler.refresh(self._month_counters))
            if now >= next_try:
                next_try = now + OWNER_TRY_S
                if not self.owner:
                    await self._try_ownership()

    async def _wait(self, timeout_s: float) -> None:
        """Waits for news, at most ``timeout_s``."""
        # A timer rather than tasks to wait on: a turn must cost the follower little.
        timer = asyncio.get_running_loop().call_later(max(timeout_s, 0.0), self._wake.set)
        try:
            await self._wake.wait()
        finally:
            timer.cancel()
        self._wake.clear()

    async def _apply_news(self) -> None:
        """Applies all the news heard since the last turn at once."""
        news, self._news = self._news, News()
        heard_at, self._heard_at = self._heard_at, None
        if not news:
            return
        await self._guarded(self._handler.changed(news))
        if self.applied is not None and heard_at is not None:
            self.applied(time.monotonic() - heard_at)

    async def _guarded(self, step: Awaitable[None]) -> None:
        """Runs one step of the handler; a failure other than the database being gone reads all again."""
        try:
            await step
        except Exception as error:
            if database_gone(error) or _connection_broken(error):
                raise  # the session ends; the next one reads everything again
            logger.exception("applying the change feed failed; reading everything again")
            await self._handler.caught_up()

    async def _month_counters(self, month: int, known: Mapping[int, int]) -> list[Counters]:
        connection = self._connection
        if connection is None:
            return []
        rows = await connection.fetch(CHANGED_COUNTERS_SQL, month, list(known), list(known.values()))
        if self._watch is not None:
            self._watch.answered()
        return [Counters(*row) for row in rows]

    def _connection_lost(self) -> None:
        self._lost.set()
        self._wake.set()

    def _heard(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith(self._own):
            return  # this central's own commit: its book followed it already
        try:
            notice = json.loads(payload)
        except ValueError:
            logger.warning("change feed: a notice that is not JSON was ignored")
            return
        if notice.get("from") == self._central_id:
            return
        self._news.add(notice)
        if self._heard_at is None:
            self._heard_at = time.monotonic()
        self._wake.set()

    async def _try_ownership(self) -> None:
        if self._connection is None or self.owner:
            return
        got = await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", OWNER_LOCK)
        if self._watch is not None:
            self._watch.answered()
        if got:
            await self._set_owner(True)

    async def _set_owner(self, owner: bool) -> None:
        if owner == self.owner:
            return
        self.owner = owner
        logger.info("this central %s the month", "now owns" if owner else "no longer owns")
        await self._handler.ownership(owner)

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            try:
                await asyncio.wait_for(connection.close(), CONNECT_TIMEOUT_S)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                # A server that died mid-statement leaves the connection "in another operation":
                # it cannot close politely, and the feed must still reconnect.
                connection.terminate()


def _connection_broken(error: BaseException) -> bool:
    """Whether the feed's own connection is unusable, so a new session (not a traceback) is the cure."""
    # A server that died mid-statement can leave asyncpg's protocol "in another operation".
    return isinstance(error, (asyncpg.InterfaceError, asyncpg.exceptions.InternalClientError))
