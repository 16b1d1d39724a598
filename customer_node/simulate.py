"""A simulated customer's months: plan its wants into baskets, buy them over the month, say it is done."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from typing import Protocol

import grpc

from customer_node.acks import record_ack
from customer_node.catalog import CatalogLine, CatalogView
from customer_node.keys import checkout_key
from customer_node.market import DEFAULT_MARKET_SEED, Want, month_wants
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
from generated.distribution.v1 import cart_pb2, order_pb2
from nodekit.refusals import is_refusal
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)

# How long a customer waits for goods when a month opens with an empty catalog: offers can
# still arrive while a month is open (e.g. an operator's SubmitOffer), and an empty month should
# not be finished before anything had a chance to appear.
EMPTY_GRACE_S = 1.0

INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
MONTH_NOT_OPEN = "MONTH_NOT_OPEN"
KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


class ShoppingApi(Protocol):
    """The calls a shopper makes (``Session`` in the product, a fake in unit tests)."""

    async def add_item(self, stock_line_id: int, quantity: int) -> cart_pb2.CartLine: ...

    async def remove_item(self, stock_line_id: int) -> int: ...

    async def get_cart(self) -> cart_pb2.GetCartResponse: ...

    async def checkout(self, idempotency_key: str) -> order_pb2.CheckoutResponse: ...

    async def finish_shopping(self, month: int) -> int: ...


class LiveCatalog(Protocol):
    """The live catalog a shopper reads (``CatalogFollower`` in the product)."""

    @property
    def view(self) -> CatalogView: ...

    async def wait_for_change(self) -> None: ...


class MonthOver(Exception):
    """The month stopped being open while the customer was still shopping."""


class Shopper:
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
        start = loop.time() if opened_at is None else opened_at
        self.last_month = month
        self._seen = {}
        tally = MonthTally(month)
        self._remember()
        rng = month_rng(self._seed, month)
        products = {line.product for line in self._seen.values()}
        wants = month_wants(self._market_seed, self._seed, month, products)
        baskets = plan_baskets(rng, wants, self._limits)
        moments = basket_times(rng, len(baskets), self._limits)
        # Impulse items depend on live stock, so they draw from their own generator: the plan
        # above stays the same whatever the timing.
        impulses = random.Random(f"impulse/{self._seed}/{month}")
        try:
            for attempt, (basket, moment) in enumerate(zip(baskets, moments, strict=True)):
                delay = start + moment - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                if not self._still_open(month):
                    raise MonthOver
                self._remember()
                logger.debug("month %d basket %d: %s", month, attempt, basket)
                if await self._fill_cart(basket, impulses, tally) > 0:
                    await self._checkout(month, attempt, tally)
        except MonthOver:
            logger.info("month %d closed while shopping", month)
            return tally
        except RemoteError as error:
            if is_refusal(error):
                raise  # the same credentials would be refused next month too
            # Anything else the central refuses ends this month's shopping, not the process.
            logger.warning("month %d: giving up shopping: %s", month, error)
        await self._finish(month)
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

    async def _think(self) -> None:
        pause = think_seconds(self._pauses, self._limits)
        if pause > 0:
            await asyncio.sleep(pause)

    async def _fill_cart(self, basket: list[Want], impulses: random.Random, tally: MonthTally) -> int:
        """Reserves the basket's wants (and maybe an impulse item, put back); returns units in the cart."""
        lines = list(self._seen.values())
        in_cart = 0
        for wanted in basket:
            in_cart += await self._reserve_want(wanted, lines_for(wanted.product, lines), tally)
        impulse = impulse_line(
            impulses, self._follower.view.lines(), {w.product for w in basket}, self._limits
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

    async def _checkout(self, month: int, attempt: int, tally: MonthTally) -> None:
        key = checkout_key(self._name, month, attempt)
        try:
            reply = await self._session.checkout(key)
        except RemoteError as error:
            if error.reason == MONTH_NOT_OPEN:
                raise MonthOver from error
            if error.reason == KEY_REUSED:
                # An earlier run of this customer (restarted with its token file) already placed
                # this checkout with another basket; that order stands, this basket is let go.
                logger.info("checkout %s was placed by an earlier run; releasing the cart", key)
                await self._release_cart()
                return
            if is_refusal(error):
                raise
            logger.warning("checkout %s failed: %s", key, error.message)
            return
        order = reply.order
        record_ack(order.order_id)
        if reply.replayed:
            # The key was used before (our own retry, or a run before a restart): that order is
            # ours, but anything reserved since would sit in the cart until it expires.
            logger.info("checkout %s replayed order %s", key, order.order_id)
            await self._release_cart()
        for dropped in order.dropped_lines:
            tally.unmet += dropped.requested
            logger.info(
                "checkout dropped %s: requested %d, available %d",
                dropped.product,
                dropped.requested,
                dropped.available,
            )
        if order.lines:
            tally.orders += 1
            tally.units_bought += sum(line.quantity for line in order.lines)
            tally.spent_cents += order.total_cents

    async def _release_cart(self) -> None:
        cart = await self._session.get_cart()
        for line_id in {line.stock_line_id for line in cart.lines}:
            await self._session.remove_item(line_id)

    async def _finish(self, month: int) -> None:
        try:
            finished = await self._session.finish_shopping(month)
        except RemoteError as error:
            if is_refusal(error):
                raise
            closed = error.code == grpc.StatusCode.FAILED_PRECONDITION
            logger.log(
                logging.INFO if closed else logging.WARNING,
                "could not finish month %d: %s",
                month,
                error.message,
            )
            return
        logger.debug("finished month %d (%d shoppers done)", month, finished)


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0
