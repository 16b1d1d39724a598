"""The point-of-sale simulator: seeded walk-in shoppers spread over a simulated business day."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from branch_node import business_days, stock
from branch_node.model import PAYMENT_METHODS, DayFigures, SaleOutcome
from branch_node.month_gate import MonthGate
from branch_node.settings import BranchSettings
from branch_node.storage.store import Store
from branch_node.till import Till, sell
from nodekit.money import format_cents

logger = logging.getLogger(__name__)

SHOPPERS = ("Ava", "Liam", "Noah", "Olivia", "Emma", "Lucas", "Chloe", "Ethan", "Mia", "Leo")
WRITE_OFF_REASONS = ("damaged in store", "expired", "shrinkage")


@dataclass
class DayTally:
    """What the simulator did today (for logs and tests)."""

    sales: int = 0
    lost_items: int = 0
    write_offs: int = 0


class PointOfSale:
    """Sells to walk-in shoppers; refuses what the shelf cannot cover (a lost sale)."""

    def __init__(
        self,
        store: Store,
        settings: BranchSettings,
        clock: Callable[[], datetime],
        on_sale: Callable[[], None],
        on_alert: Callable[[], None],
        gate: MonthGate | None = None,
    ) -> None:
        self._gate = gate
        self._store = store
        self._settings = settings
        self._clock = clock
        self._on_sale = on_sale
        self._on_alert = on_alert

    async def run_day(self) -> DayFigures:
        """Serves one simulated day's shoppers, then closes the day and returns its figures."""
        now = self._clock()
        day = await self._store.read(lambda c: business_days.current_day(c, now.date()))
        # Seeded per day, so a restarted branch replays the same kind of day.
        rng = random.Random(f"{self._settings.seed}:{self._settings.name}:{day}")
        count = self._settings.shoppers_per_day
        gap = self._settings.day_seconds / count
        tally = DayTally()
        for _ in range(count):
            await asyncio.sleep(gap)
            if self._gate is not None:
                # While the lecturer has the month paused, nobody walks in (the day lasts longer).
                await self._gate.wait_until_running()
            outcome = await self.serve(rng, day)
            tally.sales += outcome.sale is not None
            tally.lost_items += len(outcome.lost)
            if rng.random() < self._settings.write_off_chance and await self.write_off(rng, day):
                tally.write_offs += 1
        figures = await self._store.write(lambda c: business_days.close_day(c, now.date()))
        logger.info(
            "day %s closed: %d sales, %d lost items, %d write-offs, revenue %s, loss %s",
            day,
            tally.sales,
            tally.lost_items,
            tally.write_offs,
            format_cents(figures.revenue_cents),
            format_cents(figures.loss_cents),
        )
        return figures

    async def serve(self, rng: random.Random, day: str) -> SaleOutcome:
        """One walk-in shopper: a basket of 1-3 products, 1-3 units each."""
        shelves = await self._store.read(stock.shelves)
        if not shelves:
            return SaleOutcome(None, (), 0)
        names = sorted(shelves)
        picks = rng.sample(names, k=min(len(names), rng.randint(1, 3)))
        basket = [(product, rng.randint(1, 3)) for product in picks]
        till = Till(
            occurred_at=self._clock(),
            business_day=day,
            province=self._settings.province,
            payment_method=rng.choice(PAYMENT_METHODS),
            customer_name=rng.choice(SHOPPERS) if rng.random() < 0.6 else "",
        )
        outcome = await self._store.write(lambda c: sell(c, basket, till))
        if outcome.sale is not None:
            self._on_sale()
        if outcome.alerts_raised:
            self._on_alert()
        return outcome

    async def write_off(self, rng: random.Random, day: str) -> bool:
        """Writes off one or two units of a stocked product (a loss at cost)."""
        shelves = await self._store.read(stock.shelves)
        stocked = sorted(name for name, held in shelves.items() if held.quantity > 0)
        if not stocked:
            return False
        product, quantity, reason = rng.choice(stocked), rng.randint(1, 2), rng.choice(WRITE_OFF_REASONS)
        now = self._clock()
        loss = await self._store.write(lambda c: stock.write_off(c, product, quantity, reason, day, now))
        self._on_alert()
        return loss > 0
