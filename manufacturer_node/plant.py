"""Parallel production: one task per product line filling its own inventory, plus consignment."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from manufacturer_node.catalog import LineSpec

logger = logging.getLogger(__name__)

DAYS_PER_MONTH = 30


@dataclass
class ProductionLine:
    """A line's current settings (the production plan changes rate and capacity)."""

    product: str
    unit_price_cents: int
    rate_per_s: float
    capacity: int


@dataclass(frozen=True, slots=True)
class OfferedLine:
    """One line of an offer."""

    product: str
    quantity: int
    unit_price_cents: int


class Plant:
    """Produces into free stock; offered units go on consignment until the month report.

    Production runs in simulated time so that the same seed gives the same
    goods: before each month's offer every line works one month (30 days of
    ``rate_per_s * month_seconds / 30`` units a day, never past its capacity),
    all lines at once, each in its own long-lived task.

    The offer for a month is everything in free stock when asked (last month's
    unsold units are back in it by then). Asked again for the same month, the
    plant repeats the same offer, so a resend after a reconnect is a no-op at
    the central. At the report, sold units leave for good and unsold ones go
    back to free stock.
    """

    def __init__(self, specs: list[LineSpec], month_seconds: float = 6.0) -> None:
        self.lines = {
            s.product: ProductionLine(s.product, s.unit_price_cents, s.rate_per_s, s.capacity) for s in specs
        }
        self.free: dict[str, int] = {product: 0 for product in self.lines}
        self.consigned: dict[int, dict[str, int]] = {}
        self._offers: dict[int, list[OfferedLine]] = {}
        self._month_seconds = month_seconds
        self._produced_through = 0
        self._orders: dict[str, asyncio.Queue[asyncio.Future[None]]] = {
            p: asyncio.Queue() for p in self.lines
        }
        self._tasks: list[asyncio.Task[None]] = []

    # -- production -------------------------------------------------------------------
    def start(self) -> None:
        """Starts one production task per line."""
        for product in self.lines:
            self._tasks.append(asyncio.create_task(self._produce(product), name=f"produce-{product}"))

    async def stop(self) -> None:
        """Stops production."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _produce(self, product: str) -> None:
        while True:
            done = await self._orders[product].get()
            line = self.lines[product]
            month_units = line.rate_per_s * self._month_seconds
            made = 0.0
            for day in range(1, DAYS_PER_MONTH + 1):
                # Whole units by the end of each day; the other lines work in between.
                self.produce(product, int(month_units * day / DAYS_PER_MONTH) - int(made))
                made = int(month_units * day / DAYS_PER_MONTH)
                await asyncio.sleep(0)
            done.set_result(None)

    async def work_until(self, month: int) -> None:
        """Runs every line's production for each month up to ``month`` (once per month)."""
        loop = asyncio.get_running_loop()
        while self._produced_through < month:
            self._produced_through += 1
            runs = [loop.create_future() for _ in self.lines]
            for product, run in zip(self.lines, runs, strict=True):
                self._orders[product].put_nowait(run)
            await asyncio.gather(*runs)

    def produce(self, product: str, units: int) -> int:
        """Adds up to ``units`` to free stock without passing the line's capacity; returns units made."""
        room = max(0, self.lines[product].capacity - self.free[product])
        made = min(units, room)
        self.free[product] += made
        return made

    # -- offers and consignment ---------------------------------------------------------
    def offer(self, month: int) -> list[OfferedLine]:
        """The month's offer: all free stock, moved to consignment (the same offer if asked again)."""
        known = self._offers.get(month)
        if known is not None:
            return known
        lines = [
            OfferedLine(product, units, self.lines[product].unit_price_cents)
            for product, units in sorted(self.free.items())
            if units > 0
        ]
        self.consigned[month] = {line.product: line.quantity for line in lines}
        for line in lines:
            self.free[line.product] -= line.quantity
        self._offers[month] = lines
        return lines

    def settle(self, month: int, sold: Mapping[str, int]) -> dict[str, int]:
        """Takes sold units out of the month's consignment and returns the rest to free stock."""
        consigned = self.consigned.pop(month, {})
        returned: dict[str, int] = {}
        for product, units in consigned.items():
            back = max(0, units - sold.get(product, 0))
            if back:
                self.free[product] += back
                returned[product] = back
        return returned

    def held(self) -> dict[str, int]:
        """Units held per product: free stock plus what is on consignment."""
        held = dict(self.free)
        for consigned in self.consigned.values():
            for product, units in consigned.items():
                held[product] = held.get(product, 0) + units
        return held
