"""A simulated customer's months: plan its wants into baskets, buy them over the month, hold while paused."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random

from customer_node.catalog import CatalogLine
from customer_node.checkouts import checkout_basket, finish_month
from customer_node.market import DEFAULT_MARKET_SEED, Want, month_wants
from customer_node.month_time import MonthTime
from customer_node.shopping_api import INSUFFICIENT_STOCK, MONTH_NOT_OPEN, LiveCatalog, MonthOver, ShoppingApi
from customer_node.strategy import (
    Limits,
    basket_times,
    impulse_line,
    lines_for,
    month_rng,
    plan_baskets,
    think_seconds,
)
from customer_node.tally import MonthTally
from nodekit.refusals import is_refusal
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)

# How long a customer waits for goods when a month opens with an empty catalog: offers can
# still arrive while a month is open (e.g. an operator's SubmitOffer), and an empty month should
# not be finished before anything had a chance to appear.
EMPTY_GRACE_S = 1.0


class SimulatedShopper:
    """Shops every open month it sees, one month at a time.

    A month's wants come from the market model, are planned into baskets when the month opens
    and bought at their seeded moments over the month (``limits.month_seconds``); then the
    shopper calls FinishShopping. Whether the central closes the month on that is the
    operator's choice (OpenMonth's ``expected_shoppers``): run.py lets months run their length.

    Args:
        name: The customer's name (part of its idempotency keys).
        seed: Seed of every choice.
        session: The signed-in client.
        follower: The live catalog.
        limits: Basket bounds, think-time and the month's length.
        empty_grace_s: How long to wait for goods in a month that opens with none.
        market_seed: Seed of the market's base demand (the same for every shopper of a run).
    """

    def __init__(
        self,
        name: str,
        seed: int,
        session: ShoppingApi,
        follower: LiveCatalog,
        limits: Limits,
        empty_grace_s: float = EMPTY_GRACE_S,
        market_seed: int = DEFAULT_MARKET_SEED,
    ) -> None:
        self._name = name
        self._seed = seed
        self._session = session
        self._follower = follower
        self._limits = limits
        self._empty_grace_s = empty_grace_s
        self._market_seed = market_seed
        # Pauses draw from their own generator so that think-time settings never change choices.
        self._pauses = random.Random(f"think/{seed}")
        # Every line seen this month, also after it sold out: asking for a sold-out line is how
        # the central learns of demand it could not serve.
        self._seen: dict[int, CatalogLine] = {}
        self.last_month = 0
        # This month's clock and tempo, set as each month begins.
        self._time = MonthTime(follower, 0, 0.0)
        self._tempo = limits

    async def run(self, months: int = 0) -> None:
        """Shops each month that opens; returns after ``months`` months (0: never)."""
        done = 0
        loop = asyncio.get_running_loop()
        while months == 0 or done < months:
            month = await self._next_open_month()
            opened_at = loop.time()
            await self._await_goods(month)
            tally = await self.shop_month(month, opened_at)
            logger.info("%s", tally.summary())
            done += 1

    async def _next_open_month(self) -> int:
        view = self._follower.view
        while not (view.is_open and view.month > self.last_month):
            await self._follower.wait_for_change()
        return view.month

    async def _await_goods(self, month: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._empty_grace_s
        while self._still_open(month) and len(self._follower.view) == 0:
            remaining = deadline - loop.time()
            if remaining <= 0:
                logger.info("month %d: nothing on sale", month)
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._follower.wait_for_change(), remaining)

    async def shop_month(self, month: int, opened_at: float | None = None) -> MonthTally:
        """Buys ``month``'s baskets at their moments, then calls FinishShopping.

        Args:
            month: The open month.
            opened_at: Event-loop time at which the month was seen open (default: now); the
                baskets' moments count from it.

        Returns:
            What was bought, left unmet and spent.
        """
        loop = asyncio.get_running_loop()
        self._time = MonthTime(self._follower, month, loop.time() if opened_at is None else opened_at)
        self._tempo = self._month_tempo()
        self.last_month = month
        self._seen = {}
        tally = MonthTally(month)
        self._remember()
        rng = month_rng(self._seed, month)
        products = {line.product for line in self._seen.values()}
        wants = month_wants(self._market_seed, self._seed, month, products)
        baskets = plan_baskets(rng, wants, self._tempo)
        moments = basket_times(rng, len(baskets), self._tempo)
        # Impulse items depend on live stock, so they draw from their own generator: the plan
        # above stays the same whatever the timing.
        impulses = random.Random(f"impulse/{self._seed}/{month}")
        try:
            for attempt, (basket, moment) in enumerate(zip(baskets, moments, strict=True)):
                await self._time.sleep_until(moment)
                if not self._still_open(month):
                    raise MonthOver
                self._remember()
                logger.debug("month %d basket %d: %s", month, attempt, basket)
                if await self._fill_cart(basket, impulses, tally) > 0:
                    await self._time.hold()
                    await checkout_basket(self._session, self._name, month, attempt, tally)
        except MonthOver:
            logger.info("month %d closed while shopping", month)
            return tally
        except RemoteError as error:
            if is_refusal(error):
                raise  # the same credentials would be refused next month too
            # Anything else the central refuses ends this month's shopping, not the process.
            logger.warning("month %d: giving up shopping: %s", month, error)
        await finish_month(self._session, month)
        return tally

    def _still_open(self, month: int) -> bool:
        view = self._follower.view
        return view.is_open and view.month == month

    def _remember(self) -> None:
        """Adds the lines on sale now to the month's seen lines, with their current stock."""
        on_sale = {line.stock_line_id: line for line in self._follower.view.lines()}
        for line_id, line in self._seen.items():
            if line_id not in on_sale:
                self._seen[line_id] = dataclasses.replace(line, available=0)
        self._seen.update(on_sale)

    def _month_tempo(self) -> Limits:
        """The limits for this month: spread over the month's length as the central opened it.

        A shopper started with a month length follows the central's (the lecturer may change the
        pace between months); its think time scales with it. Without one it does not spread.
        """
        told, started = self._follower.view.month_seconds, self._limits.month_seconds
        if told <= 0 or started <= 0 or told == started:
            return self._limits
        think_ms = round(self._limits.max_think_ms * told / started)
        return dataclasses.replace(self._limits, month_seconds=float(told), max_think_ms=think_ms)

    async def _think(self) -> None:
        # Every call waits while the month is paused: the simulated shopper stops buying.
        await self._time.hold()
        pause = think_seconds(self._pauses, self._tempo)
        if pause > 0:
            await asyncio.sleep(pause)

    async def _fill_cart(self, basket: list[Want], impulses: random.Random, tally: MonthTally) -> int:
        """Reserves the basket's wants (and maybe an impulse item, put back); returns units in the cart."""
        lines = list(self._seen.values())
        in_cart = 0
        for wanted in basket:
            in_cart += await self._reserve_want(wanted, lines_for(wanted.product, lines), tally)
        impulse = impulse_line(
            impulses, self._follower.view.lines(), {w.product for w in basket}, self._tempo
        )
        if impulse is not None and await self._take(impulse.stock_line_id, 1) > 0:
            # Put back at once: the unit is held as briefly as the calls allow.
            tally.removed += await self._session.remove_item(impulse.stock_line_id)
        return in_cart

    async def _reserve_want(self, wanted: Want, lines: list[CatalogLine], tally: MonthTally) -> int:
        """Reserves a want from its product's lines; what none of them had counts as unmet."""
        remaining = wanted.quantity
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            # Only the last line is asked beyond its stock: its refusal records the unmet demand.
            ask = remaining if last else min(remaining, line.available)
            if ask > 0:
                remaining -= await self._take(line.stock_line_id, ask)
            if remaining == 0:
                break
        tally.unmet += remaining
        if remaining:
            logger.info("%s: wanted %d, got %d", wanted.product, wanted.quantity, wanted.quantity - remaining)
        return wanted.quantity - remaining

    async def _take(self, stock_line_id: int, quantity: int) -> int:
        """Reserves ``quantity`` units, or what is left of the line; returns the units reserved.

        After a refusal the shopper asks again for what the central said was available, until it
        gets it or nothing is left, so the central's unmet demand adds up to the units not had.
        """
        ask = quantity
        while ask > 0:
            await self._think()
            try:
                await self._session.add_item(stock_line_id, ask)
                return ask
            except RemoteError as error:
                if error.reason == MONTH_NOT_OPEN:
                    raise MonthOver from error
                if is_refusal(error):
                    raise
                if error.reason != INSUFFICIENT_STOCK:
                    logger.warning("could not add line %d: %s", stock_line_id, error.message)
                    return 0
                available = _int(error.metadata.get("available"))
            if not 0 < available < ask:
                return 0
            ask = available
        return 0


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0
