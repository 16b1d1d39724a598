"""Releases reservations whose time-to-live has passed, in the background, keeping up with any rate."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from central.domain.reservations import ReservationState
from central.domain.stock import Counters, Movement
from central.service.core import Core
from central.storage import movements, statements
from central.storage.movements import MovementRow
from central.storage.schema import reservations

logger = logging.getLogger(__name__)

# Reservations one sweep releases in one write; a full sweep is followed by the next at once.
SWEEP_LIMIT = 2000
# The sweeper never sleeps less than this, so an idle wait cannot spin.
MIN_PAUSE_S = 0.01

ACTIVE, EXPIRED = ReservationState.ACTIVE.value, ReservationState.EXPIRED.value


@dataclass(frozen=True, slots=True)
class Sweep:
    """What one sweep released: reservations, and per line the units and the counters after."""

    reservations: int
    lines: dict[int, tuple[int, Counters]]

    @property
    def units(self) -> int:
        """Units given back in all."""
        return sum(units for units, _ in self.lines.values())


def expire_reservations(
    connection: Connection, candidates: Iterable[str], now: datetime
) -> dict[int, tuple[int, Counters]]:
    """Expires those of ``candidates`` that are still active and due, and gives their units back.

    The update itself checks the state, so a reservation removed, checked out or
    expired by someone else since it was picked is left alone and released once.
    Returns, per line, the units given back and the line's counters after.
    """
    ids = list(candidates)
    expired = connection.execute(
        update(reservations)
        .where(
            reservations.c.reservation_id.in_(ids),
            reservations.c.state == ACTIVE,
            reservations.c.expires_at <= now,
        )
        .values(state=EXPIRED)
        .returning(reservations.c.reservation_id, reservations.c.stock_line_id, reservations.c.quantity)
    ).all()
    if not expired:
        return {}
    given = statements.unreserve_per_line(connection, [(r.stock_line_id, r.quantity) for r in expired])
    moves = [
        MovementRow(
            r.stock_line_id, Movement.EXPIRED, r.quantity, "central", "reservation expired", r.reservation_id
        )
        for r in expired
    ]
    movements.append(connection, moves, now)
    return given


def expire_due(connection: Connection, now: datetime, limit: int = SWEEP_LIMIT) -> Sweep:
    """Expires up to ``limit`` reservations due at ``now``, the longest overdue first."""
    due = (
        select(reservations.c.reservation_id)
        .where(reservations.c.state == ACTIVE, reservations.c.expires_at <= now)
        .order_by(reservations.c.expires_at)
        .limit(limit)
    )
    picked = [row.reservation_id for row in connection.execute(due)]
    return Sweep(len(picked), expire_reservations(connection, picked, now) if picked else {})


def next_expiry(connection: Connection) -> datetime | None:
    """When the earliest active reservation expires."""
    return connection.execute(
        select(func.min(reservations.c.expires_at)).where(reservations.c.state == ACTIVE)
    ).scalar()


class ExpirySweeper:
    """Releases due reservations as they fall due; the book follows each sweep's commit."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self._task: asyncio.Task[None] | None = None

    async def sweep_once(self) -> int:
        """One sweep; returns the number of units released."""
        return (await self._sweep()).units

    async def _sweep(self) -> Sweep:
        clock = self._core.clock
        # Due as of when the write runs, so whatever fell due while it waited in the queue goes too.
        return await self._core.writer.run(lambda connection: expire_due(connection, clock()), self._follow)

    def _follow(self, sweep: Sweep) -> None:
        for units, counters in sweep.lines.values():
            self._core.book.follow(counters, reserved=-units)
        if sweep.lines:
            self._core.hub.changed(sweep.lines)

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
            try:
                sweep = await self._sweep()
                if sweep.reservations >= SWEEP_LIMIT:
                    continue  # behind: the next sweep follows at once
                pause = await self._pause()
            except Exception:
                logger.exception("expiry sweep failed")
                pause = self._core.settings.sweep_interval_s
            await asyncio.sleep(pause)

    async def _pause(self) -> float:
        """Until the earliest reservation falls due, at most the sweep interval or a time-to-live."""
        settings = self._core.settings
        longest = min(settings.sweep_interval_s, settings.reservation_ttl_s)
        async with self._core.engine.connect() as connection:
            earliest = await connection.run_sync(next_expiry)
        if earliest is None:
            return max(longest, MIN_PAUSE_S)
        until = (earliest - self._core.clock()).total_seconds()
        return min(max(until, MIN_PAUSE_S), longest)
