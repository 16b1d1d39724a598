"""Reorders: each unfulfilled low-stock alert buys its reorder quantity from the central like a customer.

The checkout's idempotency key is ``reorder:<branch>:<alert id>:<attempt>``.
An alert moves to ``checkout`` before its first unit is reserved, so after a
crash at any point its units in the cart and its possibly sent checkout are
found again under its key. Each pass settles first: an alert in ``checkout``
checks out with its key (the central returns the order it made, or makes it
from the cart) and every unit bought is booked. Only then does an open alert
fill the cart, which must be empty first: units no alert accounts for are
given back, never bought. An attempt that bought nothing (lines gone,
reservation expired) moves to the next attempt number, and so to a fresh key.
A checkout between months (MONTH_NOT_OPEN) ends the pass, not the back office's
tick: its alert keeps its key for the next month, and the day reports and the
inventory report that follow in the tick still go out.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from branch_node import business_days, low_stock
from branch_node.headquarters import Headquarters, Offer, RemoteError
from branch_node.model import Alert, AlertState
from branch_node.storage.store import Store, get_state, put_state

logger = logging.getLogger(__name__)

TOKEN = "customer_token"
NOTHING_TO_BUY = frozenset({"EMPTY_CART"})
# The checkout's answer between months (and after the last one): nothing can be bought until one opens.
NO_MONTH_OPEN = "MONTH_NOT_OPEN"


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
        """Raises the alerts due, settles the cart, then works the open alerts; returns how many received.

        Between months the pass stops at the first checkout the central turns away: an alert
        already in checkout keeps its state and key, and is settled in the next month's pass.
        """
        now = self._clock()
        await self._store.write(lambda c: low_stock.raise_due_alerts(c, now))
        pending = await self._store.read(low_stock.open_alerts)
        # Every order booked counts, those booked before a checkout was turned away too.
        booked_before = self.orders
        try:
            await self._work(pending)
        except RemoteError as error:
            if error.reason != NO_MONTH_OPEN:
                raise
            logger.info("no month open: reorders wait for the next one (%s)", error)
        return self.orders - booked_before

    async def _work(self, pending: Sequence[Alert]) -> None:
        for alert in pending:
            if alert.state == AlertState.BUYING:
                await self._settle(alert)
        offers: list[Offer] | None = None
        for alert in pending:
            if alert.state != AlertState.OPEN:
                continue
            # One catalog read per pass, and only when something is to be bought.
            offers = await self._hq.offers() if offers is None else offers
            await self._buy(alert, [o for o in offers if o.product == alert.product])

    async def _buy(self, alert: Alert, lines: Sequence[Offer]) -> bool:
        """Fills the cart for one open alert and checks it out under the alert's key."""
        if not any(line.available > 0 for line in lines):
            return False
        await self._give_back_cart()
        await self._set_state(alert, AlertState.BUYING, alert.attempt)
        if not await self._fill_cart(alert, lines):
            # Nothing reserved and no checkout sent: the key is still unused.
            await self._set_state(alert, AlertState.OPEN, alert.attempt)
            return False
        return await self._settle(dataclasses.replace(alert, state=AlertState.BUYING))

    async def _settle(self, alert: Alert) -> bool:
        """Checks out under the alert's key and books what the order holds; False if it bought nothing."""
        key = reorder_key(self._branch, alert)
        try:
            purchase = await self._hq.checkout(key)
        except RemoteError as error:
            if error.reason not in NOTHING_TO_BUY:
                raise
            purchase = None
        if purchase is None or not any(purchase.bought.values()):
            logger.info("reorder of %s bought nothing; next attempt", alert.product)
            await self._set_state(alert, AlertState.OPEN, alert.attempt + 1)
            return False
        now = self._clock()
        day = await self._store.read(lambda c: business_days.current_day(c, now.date()))
        done = await self._store.write(
            lambda c: low_stock.book_purchase(c, alert.alert_id, purchase.bought, purchase.order_id, day, now)
        )
        if done:
            self.orders += 1
            logger.info("received %s (order %s, key %s)", purchase.bought, purchase.order_id, key)
        return done

    async def _give_back_cart(self) -> None:
        """Empties the cart of units no alert accounts for (left by a crash before their alert was marked)."""
        for line_id in dict.fromkeys(item.stock_line_id for item in await self._hq.cart()):
            released = await self._hq.release(line_id)
            logger.warning("gave back %d unit(s) of stock line %d left in the cart", released, line_id)

    async def _set_state(self, alert: Alert, state: AlertState, attempt: int) -> None:
        await self._store.write(lambda c: low_stock.set_alert_state(c, alert.alert_id, state, attempt))

    async def _fill_cart(self, alert: Alert, lines: Sequence[Offer]) -> bool:
        """Reserves up to the reorder quantity from the cheapest lines; True if anything was reserved."""
        wanted = alert.reorder_quantity
        for offer in lines:
            take = min(wanted, offer.available)
            if take <= 0:
                continue
            try:
                await self._hq.reserve(offer.stock_line_id, take)
            except RemoteError as error:
                logger.info("could not reserve %s: %s", alert.product, error.reason)
                continue
            wanted -= take
            if wanted == 0:
                break
        return wanted < alert.reorder_quantity
