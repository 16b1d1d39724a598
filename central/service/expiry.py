"""Releases reservations whose time-to-live has passed, in the background, keeping up with any rate."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from central.domain.stock import Counters
from central.service.core import Core
from central.service.database_watch import DatabaseWatch, database_gone
from central.storage.expiry_rows import (
    SWEEP_LIMIT,
    Sweep,
    due_reservations,
    expire_due,
    expire_reservations,
    next_expiry,
)

logger = logging.getLogger(__name__)

# The sweeper never sleeps less than this, so an idle wait cannot spin.
MIN_PAUSE_S = 0.01


class ExpirySweeper:
    """Releases due reservations as they fall due; the book follows each sweep's commit."""

    def __init__(self, core: Core, watch: DatabaseWatch | None = None) -> None:
        self._core = core
        self._watch = watch
        self._task: asyncio.Task[None] | None = None

    async def sweep_once(self) -> int:
        """One sweep; returns the number of units released."""
        return (await self._sweep()).units

    async def _sweep(self) -> Sweep:
        if not self._core.writer.locks_rows:
            # One writer: pick and expire in one write, due as of when it runs (nothing waits behind it).
            clock = self._core.clock
            return await self._core.writer.run(
                lambda connection: expire_due(connection, clock()), self._follow_sweep
            )
        now = self._core.clock()
        # Several writers: picked with a read, so their lines are locked in order with the batch's; the
        # write expires only those still active (another central's sweeper may have been first).
        async with self._core.engine.connect() as connection:
            due = await connection.run_sync(due_reservations, now)
            next_due = await connection.run_sync(next_expiry) if len(due) < SWEEP_LIMIT else None
        if not due:
            return Sweep(0, {}, next_due)
        ids = [reservation_id for reservation_id, _ in due]
        lines = await self._core.writer.run(
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
            self._core.book.follow(counters, reserved=-units)
            self._core.book.expired += units
        if lines:
            self._core.hub.changed(lines)

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
                pause = self._core.settings.sweep_interval_s
            await asyncio.sleep(pause)

    def _pause(self, next_due: datetime | None) -> float:
        """Until the earliest reservation falls due, at most the sweep interval or a time-to-live."""
        settings = self._core.settings
        longest = min(settings.sweep_interval_s, settings.reservation_ttl_s)
        if next_due is None:
            return max(longest, MIN_PAUSE_S)
        until = (next_due - self._core.clock()).total_seconds()
        return min(max(until, MIN_PAUSE_S), longest)
