"""Releases reservations whose time-to-live has passed, in the background, keeping up with any rate."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from central.domain.stock import Counters
from central.service.book import StockBook
from central.service.database_watch import DatabaseWatch
from central.service.hub import CatalogHub
from central.storage.expiry_rows import (
    SWEEP_LIMIT,
    Sweep,
    due_reservations,
    expire_due,
    expire_reservations,
    next_expiry,
)
from central.storage.outage import database_gone
from nodekit.db.writer import WriteQueue

logger = logging.getLogger(__name__)

# The sweeper never sleeps less than this, so an idle wait cannot spin.
MIN_PAUSE_S = 0.01


class ExpirySweeper:
    """Releases due reservations as they fall due; the book follows each sweep's commit.

    Args:
        engine: Reads the due reservations when several writers share the database.
        writer: The group-commit writer the sweeps run in.
        book: The in-memory book, which gives the released units back.
        hub: Tells catalog watchers of the lines with units back.
        clock: Aware UTC now.
        interval_s: The longest pause between two sweeps.
        ttl_s: The reservations' time-to-live (a pause is never longer).
        watch: Waits out a database outage; None: no watch.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        writer: WriteQueue,
        book: StockBook,
        hub: CatalogHub,
        clock: Callable[[], datetime],
        *,
        interval_s: float,
        ttl_s: float,
        watch: DatabaseWatch | None = None,
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._book = book
        self._hub = hub
        self._clock = clock
        self._interval_s = interval_s
        self._ttl_s = ttl_s
        self._watch = watch
        self._task: asyncio.Task[None] | None = None

    async def sweep_once(self) -> int:
        """One sweep; returns the number of units released."""
        return (await self._sweep()).units

    async def _sweep(self) -> Sweep:
        if not self._writer.locks_rows:
            # One writer: pick and expire in one write, due as of when it runs (nothing waits behind it).
            clock = self._clock
            return await self._writer.run(
                lambda connection: expire_due(connection, clock()), self._follow_sweep
            )
        now = self._clock()
        # Several writers: picked with a read, so their lines are locked in order with the batch's; the
        # write expires only those still active (another central's sweeper may have been first).
        async with self._engine.connect() as connection:
            due = await connection.run_sync(due_reservations, now)
            next_due = await connection.run_sync(next_expiry) if len(due) < SWEEP_LIMIT else None
        if not due:
            return Sweep(0, {}, next_due)
        ids = [reservation_id for reservation_id, _ in due]
        lines = await self._writer.run(
            lambda connection: expire_reservations(connection, ids, now),
            self._follow,
            locks={line_id for _, line_id in due},
            first=True,
        )
        return Sweep(len(due), lines, next_due)

    def _follow_sweep(self, sweep: Sweep) -> None:
        self._follow(sweep.lines)

    def _follow(self, lines: dict[int, tuple[int, Counters]]) -> None:
        for units, counters in lines.values():
            self._book.follow(counters, reserved=-units)
            self._book.expired += units
        if lines:
            self._hub.changed(lines)

    def start(self) -> None:
        """Starts the background sweep."""
        self._task = asyncio.create_task(self._loop(), name="expiry-sweeper")

    async def stop(self) -> None:
        """Stops the background sweep."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _loop(self) -> None:
        while True:
            if self._watch is not None:
                # While the database is gone nothing can expire; the first sweep after catches up.
                await self._watch.wait_back()
            try:
                sweep = await self._sweep()
                if sweep.reservations >= SWEEP_LIMIT:
                    continue  # behind: the next sweep follows at once
                pause = self._pause(sweep.next_due)
            except Exception as error:
                if self._watch is not None and database_gone(error):
                    self._watch.failed(error)
                else:
                    logger.exception("expiry sweep failed")
                pause = self._interval_s
            await asyncio.sleep(pause)

    def _pause(self, next_due: datetime | None) -> float:
        """Until the earliest reservation falls due, at most the sweep interval or a time-to-live."""
        longest = min(self._interval_s, self._ttl_s)
        if next_due is None:
            return max(longest, MIN_PAUSE_S)
        until = (next_due - self._clock()).total_seconds()
        return min(max(until, MIN_PAUSE_S), longest)
