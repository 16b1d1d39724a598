"""Releases reservations whose time-to-live has passed, in the background."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from central.domain.reservations import ReservationState
from central.domain.stock import Movement
from central.service.core import Core
from central.storage import movements, statements
from central.storage.movements import MovementRow
from central.storage.schema import reservations

logger = logging.getLogger(__name__)

SWEEP_LIMIT = 2000


def expire_due(connection: Connection, now: datetime) -> dict[int, int]:
    """Marks due reservations expired and releases their units; returns units released per line."""
    due = connection.execute(
        select(reservations.c.reservation_id, reservations.c.stock_line_id, reservations.c.quantity)
        .where(reservations.c.state == ReservationState.ACTIVE.value, reservations.c.expires_at <= now)
        .limit(SWEEP_LIMIT)
    ).all()
    if not due:
        return {}
    connection.execute(
        update(reservations)
        .where(reservations.c.reservation_id.in_([r.reservation_id for r in due]))
        .values(state=ReservationState.EXPIRED.value)
    )
    per_line = statements.unreserve_per_line(connection, [(r.stock_line_id, r.quantity) for r in due])
    movements.append(
        connection,
        [
            MovementRow(
                r.stock_line_id,
                Movement.EXPIRED,
                r.quantity,
                "central",
                "reservation expired",
                r.reservation_id,
            )
            for r in due
        ],
        now,
    )
    return per_line


class ExpirySweeper:
    """Runs ``expire_due`` every ``sweep_interval_s`` and updates the book."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self._task: asyncio.Task[None] | None = None

    async def sweep_once(self) -> int:
        """One sweep; returns the number of units released."""
        now = self._core.clock()
        released = await self._core.writer.run(lambda connection: expire_due(connection, now))
        for line_id, quantity in released.items():
            line = self._core.book.lines.get(line_id)
            if line is not None:
                line.settle(claimed=0, reserved=-quantity)
        if released:
            self._core.hub.changed(released)
        return sum(released.values())

    def start(self) -> None:
        """Starts the periodic sweep."""
        self._task = asyncio.create_task(self._loop(), name="expiry-sweeper")

    async def stop(self) -> None:
        """Stops the periodic sweep."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _loop(self) -> None:
        while True:
            try:
                await self.sweep_once()
            except Exception:
                logger.exception("expiry sweep failed")
            await asyncio.sleep(self._core.settings.sweep_interval_s)
