"""The web node's client of the central: the client package's calls, answered as the pages' JSON.

Deadlines, retries and typed errors (``nodekit.status.RemoteError``) are
``distribution_client``'s: reads are made again on UNAVAILABLE, the checkout with its key also
when a stopping central cuts it, other writes once. What is the web's own is the JSON.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from distribution_client import Card, CentralService, MonthStatus, Operator, Shopper, StockUpdate
from web_node import convert
from web_node.convert import Json


class Gateway:
    """Every call the pages make, on one channel to the central.

    Args:
        channel: An open channel to the central.
        operator_key: The operator's bearer token for the dashboard's and headquarters' reads.
        timeout_s: Deadline of every unary call.
    """

    def __init__(self, channel: grpc.aio.Channel, operator_key: str, timeout_s: float) -> None:
        self._service = CentralService(channel, timeout_s)
        self._operator = Operator(self._service, operator_key)
        self._has_operator_key = bool(operator_key)

    @property
    def has_operator_key(self) -> bool:
        """Whether operator reads can be made."""
        return self._has_operator_key

    def _shopper(self, token: str) -> Shopper:
        return Shopper(self._service, token)

    async def register(self, name: str, number: str, expiry_month: int, expiry_year: int) -> Json:
        """Registers a customer (made once: registration has no idempotency key)."""
        card = Card(number, expiry_month, expiry_year)
        # A person waits at the form: a central that is down is said at once, not waited for.
        return convert.registration(await self._shopper("").register(name, card, wait_for_ready=False))

    async def add(self, token: str, stock_line_id: int, quantity: int) -> Json:
        """Reserves units of a line (made once: a repeat could reserve twice)."""
        return convert.cart_line(await self._shopper(token).add_item(stock_line_id, quantity))

    async def remove(self, token: str, stock_line_id: int) -> int:
        """Releases a line's reservations; returns the units released."""
        return await self._shopper(token).remove_item(stock_line_id)

    async def cart(self, token: str) -> Json:
        """The customer's cart."""
        return convert.cart(await self._shopper(token).cart())

    async def checkout(self, token: str, idempotency_key: str) -> Json:
        """Places the order; made again with the same key when cut off, so nothing is sold twice."""
        return convert.checkout(await self._shopper(token).checkout(idempotency_key))

    async def orders(self, token: str) -> list[Json]:
        """The customer's orders, newest first."""
        return [convert.order(placed) for placed in await self._shopper(token).orders(limit=50)]

    def watch_catalog(self) -> AsyncIterator[StockUpdate]:
        """The catalog stream with the lines' counters (no deadline: it lasts until cancelled)."""
        return self._operator.watch_catalog()

    async def month_status(self) -> MonthStatus:
        """The current month as the operator sees it."""
        return await self._operator.month_status()

    async def manufacturers(self) -> list[Json]:
        """Every configured manufacturer with its link."""
        return [convert.manufacturer(info) for info in await self._operator.manufacturers()]

    async def branch_days(self) -> list[Json]:
        """Revenue and loss per branch and day."""
        return [convert.branch_day(day) for day in await self._operator.branch_revenue()]

    async def low_stock_alerts(self) -> list[Json]:
        """Open low-stock alerts of every branch."""
        return [convert.branch_alert(alert) for alert in await self._operator.low_stock_alerts()]

    async def inventory_values(self) -> list[Json]:
        """Each branch's inventory at cost."""
        return [convert.inventory_value(row) for row in await self._operator.inventory_value()]

    async def top_products(self) -> list[Json]:
        """The best-selling products across branches."""
        return [convert.top_product(row) for row in await self._operator.top_products(limit=10)]
