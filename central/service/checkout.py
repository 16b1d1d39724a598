"""Checkout: the cart's live reservations become one order in one transaction; history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine

from central.domain import failures, rules
from central.service.book import StockBook
from central.service.events import EventBus
from central.service.hub import CatalogHub
from central.service.placing import Placed, cart_lines, place
from central.service.views import CheckoutResult, OrderView
from central.storage.orders import load_orders
from nodekit.db.writer import WriteQueue

MAX_HISTORY = 500


class Checkout:
    """Places orders and reads order history.

    Args:
        engine: Where the history and the cart's lines are read.
        writer: The group-commit writer each order goes through.
        book: The month's stock in memory, which follows each order.
        hub: Tells the catalog's watchers of the lines sold.
        events: Where the depletions an order causes are published.
        clock: Aware UTC now.
        after_sales: Runs after each new order (the month closes once all is sold).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        writer: WriteQueue,
        book: StockBook,
        hub: CatalogHub,
        events: EventBus,
        clock: Callable[[], datetime],
        after_sales: Callable[[], None],
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._book = book
        self._hub = hub
        self._events = events
        self._clock = clock
        self._after_sales = after_sales

    async def checkout(self, customer_id: str, idempotency_key: str) -> CheckoutResult:
        """Turns the cart into an order; the same key again returns the same order."""
        key = rules.idempotency_key(idempotency_key)
        now = self._clock()
        locks: list[int] = []
        if self._writer.locks_rows:
            # Several writers: the lines of the cart are locked with the batch's, in line order.
            async with self._engine.connect() as connection:
                locks = await connection.run_sync(cart_lines, customer_id)
        placed = await self._writer.run(
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
        book = self._book
        for change in placed.lines.values():
            book.follow(change.counters, reserved=change.reserved, sold=change.sold)
        self._hub.changed(placed.lines)
        for depletion in placed.depletions:
            self._events.publish(depletion)
        self._after_sales()

    async def history(self, customer_id: str, limit: int) -> list[OrderView]:
        """The customer's orders, newest first."""
        limit = 50 if limit == 0 else limit
        if not 1 <= limit <= MAX_HISTORY:
            raise failures.bad_quantity(limit, MAX_HISTORY)
        async with self._engine.connect() as connection:
            return await connection.run_sync(load_orders, customer_id, limit)
