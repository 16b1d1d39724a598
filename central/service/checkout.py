"""Checkout: the cart's live reservations become one order in one transaction; history."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from central.domain import failures, rules
from central.service.core import Core
from central.service.placing import Placed, cart_lines, place
from central.service.views import CheckoutResult, OrderView
from central.storage.orders import load_orders

MAX_HISTORY = 500


class Checkout:
    """Places orders and reads order history."""

    def __init__(self, core: Core, after_sales: Callable[[], None]) -> None:
        self._core = core
        self._after_sales = after_sales

    async def checkout(self, customer_id: str, idempotency_key: str) -> CheckoutResult:
        """Turns the cart into an order; the same key again returns the same order."""
        key = rules.idempotency_key(idempotency_key)
        now = self._core.clock()
        locks: list[int] = []
        if self._core.writer.locks_rows:
            # Several writers: the lines of the cart are locked with the batch's, in line order.
            async with self._core.engine.connect() as connection:
                locks = await connection.run_sync(cart_lines, customer_id)
        placed = await self._core.writer.run(
            # A partial rather than a lambda: no Python frame of its own per checkout.
            partial(place, customer_id=customer_id, key=key, now=now),
            self._follow,
            locks,
        )
        return placed.result

    def _follow(self, placed: Placed) -> None:
        """After the commit, whether or not the caller still waits: the book, the watchers, the notices."""
        if placed.result.replayed:
            return
        book = self._core.book
        for change in placed.lines.values():
            book.follow(change.counters, reserved=change.reserved, sold=change.sold)
        self._core.hub.changed(placed.lines)
        for depletion in placed.depletions:
            self._core.events.publish(depletion)
        self._after_sales()

    async def history(self, customer_id: str, limit: int) -> list[OrderView]:
        """The customer's orders, newest first."""
        limit = 50 if limit == 0 else limit
        if not 1 <= limit <= MAX_HISTORY:
            raise failures.bad_quantity(limit, MAX_HISTORY)
        async with self._core.engine.connect() as connection:
            return await connection.run_sync(load_orders, customer_id, limit)
