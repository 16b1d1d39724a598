"""A customer's calls of the central: the client package's ``Shopper`` under the shop's names.

Deadlines, retries (reads on UNAVAILABLE; the checkout with its key also when cut off; other
writes once), typed errors (``RemoteError``) and the records answered are the client package's.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import grpc

from customer_node.catalog import CatalogUpdate
from distribution_client import (
    Card,
    Cart,
    CartLine,
    CentralService,
    CheckoutResult,
    Order,
    Registration,
    Shopper,
)

__all__ = ["Session"]


class Session:
    """The central's customer-facing services, called with one customer's token.

    Args:
        channel: An open channel to the central.
        timeout_s: Deadline of each unary call.
        token: Bearer token; set later by ``register`` or ``use_token`` when not known yet.
    """

    def __init__(self, channel: grpc.aio.Channel, timeout_s: float, token: str = "") -> None:
        self._shopper = Shopper(CentralService(channel, timeout_s), token)

    def use_token(self, token: str) -> None:
        """Sends ``token`` as the bearer token from now on."""
        self._shopper.use_token(token)

    async def register(self, name: str, card: Card | None, wait_for_ready: bool = True) -> Registration:
        """Registers a customer and starts using its token (made once: it has no idempotency key)."""
        return await self._shopper.register(name, card, wait_for_ready=wait_for_ready)

    async def update_card(self, card: Card) -> str:
        """Replaces the stored card; returns its last four digits."""
        return await self._shopper.update_card(card)

    async def finish_shopping(self, month: int) -> int:
        """Tells the central this customer is done with ``month``; returns how many are done."""
        return await self._shopper.finish_shopping(month)

    async def add_item(self, stock_line_id: int, quantity: int) -> CartLine:
        """Reserves ``quantity`` units of a stock line."""
        return await self._shopper.add_item(stock_line_id, quantity)

    async def remove_item(self, stock_line_id: int, reservation_id: str = "") -> int:
        """Releases the stock line's reservations in the cart (or only the one named); returns the units."""
        return await self._shopper.remove_item(stock_line_id, reservation_id)

    async def get_cart(self) -> Cart:
        """The caller's cart (expired reservations too)."""
        return await self._shopper.cart()

    async def checkout(self, idempotency_key: str) -> CheckoutResult:
        """Turns the cart into an order; the same key again returns the same order."""
        return await self._shopper.checkout(idempotency_key)

    async def list_orders(self, limit: int = 50) -> list[Order]:
        """The caller's orders, newest first."""
        return await self._shopper.orders(limit)

    def watch_catalog(
        self, timeout_s: float, wait_for_ready: bool = True
    ) -> AsyncGenerator[CatalogUpdate, None]:
        """Catalog updates until the deadline; a failure is a ``grpc.aio.AioRpcError`` (caller resumes)."""
        return self._shopper.watch_catalog(timeout_s, wait_for_ready=wait_for_ready)
