"""Reorders: each open low-stock alert buys its reorder quantity from the central like a customer.

The checkout's idempotency key is ``reorder:<branch>:<alert id>:<attempt>``,
stored with the alert before the checkout is sent, so a retry after a crash
reuses it and the central returns the same order instead of selling twice.
States: ``open`` (nothing in the cart yet) -> ``checkout`` (cart filled, the
checkout may have happened) -> ``received`` (stock-in booked). An attempt
that bought nothing (lines gone, reservation expired) moves to the next
attempt number, and so to a fresh key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from branch_node import business_days, low_stock
from branch_node.headquarters import Headquarters, RemoteError
from branch_node.model import Alert
from branch_node.storage.store import Store, get_state, put_state

logger = logging.getLogger(__name__)

TOKEN = "customer_token"
NOTHING_TO_BUY = frozenset({"EMPTY_CART"})


def reorder_key(branch: str, alert: Alert) -> str:
    """The deterministic idempotency key of an alert's current attempt."""
    return f"reorder:{branch}:{alert.alert_id}:{alert.attempt}"[:128]


class Reorderer:
    """Turns open alerts into orders at the central and received stock."""

    def __init__(
        self,
        store: Store,
        hq: Headquarters,
        branch: str,
        card_number: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._hq = hq
        self._branch = branch
        self._card = card_number
        self._clock = clock
        self.orders = 0

    async def ensure_account(self) -> None:
        """Registers the branch's customer account once; the token is kept in the branch database."""
        token = await self._store.read(lambda c: get_state(c, TOKEN))
        if token is None:
            token = await self._hq.register(f"branch {self._branch}", self._card, self._clock().year + 3)
            stored = token
            await self._store.write(lambda c: put_state(c, TOKEN, stored))
        self._hq.customer_token = token

    async def run_once(self) -> int:
        """Works through every open alert, oldest first; returns how many received goods."""
        received = 0
        for alert in await self._store.read(low_stock.open_alerts):
            if await self._fulfil(alert):
                received += 1
        return received

    async def _fulfil(self, alert: Alert) -> bool:
        if alert.state == "open":
            # A crash after reserving leaves units in the cart: check out those, do not add more.
            if await self._hq.cart_size() == 0 and not await self._fill_cart(alert):
                return False
            await self._store.write(
                lambda c: low_stock.set_alert_state(c, alert.alert_id, "checkout", alert.attempt)
            )
        key = reorder_key(self._branch, alert)
        try:
            purchase = await self._hq.checkout(key)
        except RemoteError as error:
            if error.reason not in NOTHING_TO_BUY:
                raise
            purchase = None
        bought = purchase.bought.get(alert.product, 0) if purchase else 0
        if purchase is None or bought == 0:
            logger.info("reorder of %s bought nothing; next attempt", alert.product)
            await self._store.write(
                lambda c: low_stock.set_alert_state(c, alert.alert_id, "open", alert.attempt + 1)
            )
            return False
        now = self._clock()
        day = await self._store.read(lambda c: business_days.current_day(c, now.date()))
        done = await self._store.write(
            lambda c: low_stock.receive(c, alert.alert_id, alert.product, bought, purchase.order_id, day, now)
        )
        if done:
            self.orders += 1
            logger.info("received %d x %s (order %s, key %s)", bought, alert.product, purchase.order_id, key)
        return done

    async def _fill_cart(self, alert: Alert) -> bool:
        wanted = alert.reorder_quantity
        for offer in await self._hq.offers(alert.product):
            take = min(wanted, offer.available)
            try:
                await self._hq.reserve(offer.stock_line_id, take)
            except RemoteError as error:
                logger.info("could not reserve %s: %s", alert.product, error.reason)
                continue
            wanted -= take
            if wanted == 0:
                break
        return wanted < alert.reorder_quantity
