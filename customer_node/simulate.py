"""A simulated customer's months: plan baskets, fill the cart, check out, say it is done."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Protocol

import grpc

from customer_node.acks import record_ack
from customer_node.catalog import CatalogView
from customer_node.keys import checkout_key
from customer_node.strategy import (
    Limits,
    Pick,
    basket_count,
    month_rng,
    need_for,
    plan_basket,
    think_seconds,
)
from customer_node.tally import MonthTally
from generated.distribution.v1 import cart_pb2, order_pb2
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

    Args:
        name: The customer's name (part of its idempotency keys).
        seed: Seed of every choice.
        session: The signed-in client.
        follower: The live catalog.
        limits: Basket bounds and think-time.
        empty_grace_s: How long to wait for goods in a month that opens with none.
    """

    def __init__(
        self,
        name: str,
        seed: int,
        session: ShoppingApi,
        follower: LiveCatalog,
        limits: Limits,
        empty_grace_s: float = EMPTY_GRACE_S,
    ) -> None:
        self._name = name
        self._seed = seed
        self._session = session
        self._follower = follower
        self._limits = limits
        self._empty_grace_s = empty_grace_s
        self._needs: dict[str, float] = {}
        # Pauses draw from their own generator so that think-time settings never change choices.
        self._pauses = random.Random(f"think/{seed}")
        self.last_month = 0

    async def run(self, months: int = 0) -> None:
        """Shops each month that opens; returns after ``months`` months (0: never)."""
        done = 0
        while months == 0 or done < months:
            month = await self._next_open_month()
            await self._await_goods(month)
            tally = await self.shop_month(month)
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

    async def shop_month(self, month: int) -> MonthTally:
        """Shops ``month`` (1..max_baskets checkouts), then calls FinishShopping.

        Returns:
            What was bought, left unmet and spent.
        """
        self.last_month = month
        tally = MonthTally(month)
        rng = month_rng(self._seed, month)
        try:
            for attempt in range(basket_count(rng, self._limits)):
                if not self._still_open(month):
                    raise MonthOver
                lines = self._follower.view.lines()
                needs = {line.product: self._need(line.product) for line in lines}
                picks = plan_basket(rng, lines, needs, self._limits)
                logger.debug("month %d basket %d: %s", month, attempt, picks)
                if not picks:
                    break
                if await self._fill_cart(picks, tally) > 0:
                    await self._checkout(month, attempt, tally)
        except MonthOver:
            logger.info("month %d closed while shopping", month)
            return tally
        except RemoteError as error:
            # Anything else the central refuses ends this month's shopping, not the process.
            logger.warning("month %d: giving up shopping: %s", month, error)
        await self._finish(month)
        return tally

    def _still_open(self, month: int) -> bool:
        view = self._follower.view
        return view.is_open and view.month == month

    def _need(self, product: str) -> float:
        if product not in self._needs:
            self._needs[product] = need_for(self._seed, product)
        return self._needs[product]

    async def _think(self) -> None:
        pause = think_seconds(self._pauses, self._limits)
        if pause > 0:
            await asyncio.sleep(pause)

    async def _fill_cart(self, picks: list[Pick], tally: MonthTally) -> int:
        """Adds the picks, removes the ones marked for removal; returns units left in the cart."""
        in_cart: dict[int, int] = {}
        for pick in picks:
            await self._think()
            got = await self._reserve(pick, tally)
            if got > 0:
                in_cart[pick.stock_line_id] = got
        for pick in picks:
            if pick.remove and pick.stock_line_id in in_cart:
                await self._think()
                tally.removed += await self._session.remove_item(pick.stock_line_id)
                del in_cart[pick.stock_line_id]
        return sum(in_cart.values())

    async def _reserve(self, pick: Pick, tally: MonthTally) -> int:
        """Reserves a pick, or what is left of its line; counts the rest as unmet demand."""
        try:
            await self._session.add_item(pick.stock_line_id, pick.quantity)
            return pick.quantity
        except RemoteError as error:
            if error.reason == MONTH_NOT_OPEN:
                raise MonthOver from error
            if error.reason != INSUFFICIENT_STOCK:
                logger.warning("could not add %s: %s", pick.product, error.message)
                return 0
            available = _int(error.metadata.get("available"))
        got = 0
        if 0 < available < pick.quantity:
            try:
                await self._session.add_item(pick.stock_line_id, available)
                got = available
            except RemoteError as error:
                if error.reason == MONTH_NOT_OPEN:
                    raise MonthOver from error
        tally.unmet += pick.quantity - got
        logger.info(
            "%s from %s: wanted %d, got %d",
            pick.product,
            pick.manufacturer_name,
            pick.quantity,
            got,
        )
        return got

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
