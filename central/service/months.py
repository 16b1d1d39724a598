"""The month state machine: open (collect offers), trade, close; its book follows the months table."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from central.domain.months import CloseReason, MonthState, ProductOutcome
from central.domain.stock import StockLine
from central.service.book import StockBook
from central.service.events import EventBus, MonthClosed
from central.service.hub import CatalogHub
from central.service.month_opening import MonthOpening, OfferCollector, OpenedMonth, offer_wait_s
from central.service.month_status import MonthStatusView, read_status
from central.service.month_timers import MonthTimers
from central.storage.month_rows import finish_shopper, latest_month
from central.storage.settlement import settle_month
from central.storage.stock_rows import load_month_lines
from nodekit.db.writer import WriteQueue
from nodekit.errors import DomainError, invalid

logger = logging.getLogger(__name__)

T = TypeVar("T")


# Runs inside the closing transaction, e.g. to queue month reports to manufacturers.
CloseHook = Callable[[Connection, int, list[ProductOutcome], datetime], None]


class MonthDesk:
    """Owns the month state machine of the central.

    Every transition is a conditional write, so it may be asked of any central;
    the book then follows the months table (``reload``), whether the change was
    made here or, heard through the change feed, at another central.

    Args:
        engine: Where the months table is read.
        writer: The group-commit writer every transition goes through.
        book: The month's stock in memory, which follows the months table.
        hub: Tells the catalog's watchers when the month changes.
        events: Where openings and closings are published.
        clock: Aware UTC now.
        collector: Asks the manufacturers for their offers while a month is COLLECTING.
        offer_deadline_ms: The wait for offers when an opening names none.
        close_hooks: Run in order inside each closing transaction.
        owner: Whether this central owns the month's timers from the start (True when it is the only one).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        writer: WriteQueue,
        book: StockBook,
        hub: CatalogHub,
        events: EventBus,
        clock: Callable[[], datetime],
        collector: OfferCollector,
        offer_deadline_ms: int,
        close_hooks: Sequence[CloseHook] = (),
        owner: bool = True,
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._book = book
        self._hub = hub
        self._events = events
        self._clock = clock
        self._offer_deadline_ms = offer_deadline_ms
        self._close_hooks = tuple(close_hooks)
        # The opening hands its result back through ``reload``, like any change to the months table.
        self._opener = MonthOpening(writer, book, hub, events, clock, collector, self.reload)
        self._timers = MonthTimers(self._close_soon_month, self._opener.open_late, owner, clock)
        self._closing: asyncio.Task[None] | None = None
        # Transitions in progress: each runs to its end on the server, whatever its caller does.
        self._transitions: set[asyncio.Task[Any]] = set()

    def closes_at(self) -> datetime | None:
        """When the open month's deadline falls (see ``MonthTimers.closes_at``)."""
        return self._timers.closes_at()

    # -- following the months table -------------------------------------------------
    async def recover(self) -> None:
        """Loads the latest month after a (re)start and arms its timers."""
        await self.reload()

    async def reload(self) -> None:
        """Reads the latest month; the book, the timers and the relay of offers follow it."""
        async with self._engine.connect() as connection:
            row = await connection.run_sync(latest_month)
        if row is None:
            return
        book = self._book
        state = MonthState(row.state)
        if (book.month, book.state) != (row.month, state):
            was_open = book.month == row.month and book.state is MonthState.OPEN
            await self._load_book(row.month, state)
            if state is MonthState.CLOSED and was_open:
                self._events.publish(MonthClosed(row.month, row.close_reason))
        self._follow_clock(row)
        self._opener.follow(row)

    def _follow_clock(self, row: Any) -> None:
        """The timers re-arm from the row (none while paused); watchers hear of a pause by a snapshot."""
        self._timers.follow(row)
        paused = row.state == MonthState.OPEN.value and row.paused_at is not None
        book, clock = self._book, (paused, int(row.close_after_seconds))
        if book.month == row.month and (book.paused, book.month_seconds) != clock:
            book.paused, book.month_seconds = clock
            self._hub.month_changed()

    def set_owner(self, owner: bool) -> None:
        """This central took over the month's timers, or gave them up."""
        self._timers.set_owner(owner)

    async def stop(self) -> None:
        """Disarms the timers and waits for a close or an opening in progress."""
        self._timers.cancel()
        if self._closing is not None:
            await asyncio.gather(self._closing, return_exceptions=True)
        await asyncio.gather(*self._transitions, return_exceptions=True)

    async def _to_the_end(self, transition: Coroutine[Any, Any, T]) -> T:
        """Runs a month transition in a task of its own, so a caller that gives up cannot cut it short."""
        task = asyncio.create_task(transition)
        self._transitions.add(task)
        task.add_done_callback(self._transitions.discard)
        return await asyncio.shield(task)

    async def _load_book(self, month: int, state: MonthState) -> list[StockLine]:
        async with self._engine.connect() as connection:
            lines = await connection.run_sync(load_month_lines, month)
        self._book.reset(month, state, lines)
        self._hub.month_changed()
        return lines

    # -- open ---------------------------------------------------------------------
    async def open_month(
        self, offer_deadline_ms: int, expected_shoppers: int, close_after_s: int
    ) -> OpenedMonth:
        """Opens the next month: COLLECTING while manufacturers answer, then OPEN."""
        deadline_s = offer_wait_s(
            offer_deadline_ms, expected_shoppers, close_after_s, self._offer_deadline_ms
        )
        return await self._to_the_end(self._opener.open(deadline_s, expected_shoppers, close_after_s))

    # -- shoppers -----------------------------------------------------------------
    async def finish_shopping(self, customer_id: str, month: int) -> int:
        """Records that a shopper is done with ``month``; closes it when all expected are done."""
        now = self._clock()
        done = await self._writer.run(lambda c: finish_shopper(c, month, customer_id, now))
        if done.state == MonthState.OPEN.value and done.expected and done.count >= done.expected:
            self._close_soon_month(month, CloseReason.SHOPPERS_DONE)
        return done.count

    def after_sales(self) -> None:
        """Closes the month once every unit of every line is sold."""
        book = self._book
        if book.state is MonthState.OPEN and book.sold_out():
            self._close_soon_month(book.month, CloseReason.SOLD_OUT)

    # -- close --------------------------------------------------------------------
    def close_soon(self, reason: CloseReason) -> None:
        """Starts closing the current month in the background (at most one close at a time)."""
        self._close_soon_month(self._book.month, reason)

    def _close_soon_month(self, month: int, reason: CloseReason) -> None:
        if self._closing is not None and not self._closing.done():
            return
        self._closing = asyncio.create_task(self._close_quietly(month, reason))

    async def _close_quietly(self, month: int, reason: CloseReason) -> None:
        try:
            await self.close_month(month, reason)
        except DomainError as error:
            logger.info("month %d not closed (%s): %s", month, reason.value, error.message)
        except Exception:
            logger.exception("closing month %d failed", month)

    async def close_month(self, month: int, reason: CloseReason) -> MonthStatusView:
        """Closes ``month``: releases reservations, returns unsold goods, stores each line's result."""
        return await self._to_the_end(self._close(month, reason))

    async def _close(self, month: int, reason: CloseReason) -> MonthStatusView:
        now = self._clock()
        hooks = self._close_hooks

        def close(connection: Connection) -> None:
            outcomes = settle_month(connection, month, reason, now)
            for hook in hooks:
                hook(connection, month, outcomes, now)

        locks: list[int] = []
        if self._writer.locks_rows:
            # Every line of the month, in line order: a reserve racing the close either commits
            # first (and its reservation is released) or waits and finds the month closed.
            async with self._engine.connect() as connection:
                locks = [line.stock_line_id for line in await connection.run_sync(load_month_lines, month)]
        await self._writer.run(close, lambda _: self._follow_close(month, reason), locks)
        await self._load_book(month, MonthState.CLOSED)
        await self.reload()
        return await self.status(month)

    def _follow_close(self, month: int, reason: CloseReason) -> None:
        self._timers.cancel()
        book = self._book
        if book.month == month:
            book.state = MonthState.CLOSED
            self._hub.month_changed()
        self._events.publish(MonthClosed(month, reason.value))
        logger.info("month %d closed (%s)", month, reason.value)

    # -- status -------------------------------------------------------------------
    async def status(self, month: int) -> MonthStatusView:
        """The month's state, lines, orders, revenue and (once closed) results."""
        if month < 0:
            raise invalid("BAD_MONTH", f"Month must be 0 (current) or positive; got {month}.", month=month)
        async with self._engine.connect() as connection:
            return await connection.run_sync(read_status, month, self._clock())
