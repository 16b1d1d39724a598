"""A customer's calls of the central: the client package's ``Shopper``; cart and orders as sent.

Deadlines, retries (reads on UNAVAILABLE; the checkout with its key also when cut off; other
writes once) and typed errors (``RemoteError``) are the client package's. The cart, the
checkout and the orders stay the wire's messages here, as the shop prints them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import grpc

from customer_node.catalog import CatalogUpdate
from distribution_client import Card, CentralService, Registration, Shopper
from distribution_client.convert import from_proto
from generated.distribution.v1 import cart_pb2, catalog_pb2, order_pb2

__all__ = ["Session", "to_update"]


def to_update(message: catalog_pb2.WatchCatalogResponse) -> CatalogUpdate:
    """One catalog stream message as the view's record."""
    return from_proto.catalog_update(message)


class Session:
    """The central's customer-facing services, called with one customer's token.

    Args:
        channel: An open channel to the central.
        timeout_s: Deadline of each unary call.
        token: Bearer token; set later by ``register`` or ``use_token`` when not known yet.
    """

    def __init__(self, channel: grpc.aio.Channel, timeout_s: float, token: str = "") -> None:
        self._service = CentralService(channel, timeout_s)
        self._shopper = Shopper(self._service, token)

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

    async def add_item(self, stock_line_id: int, quantity: int) -> cart_pb2.CartLine:
        """Reserves ``quantity`` units of a stock line."""
        request = cart_pb2.AddCartItemRequest(stock_line_id=stock_line_id, quantity=quantity)
        reply = await self._service.call(self._service.carts.AddCartItem, request, self._metadata)
        return reply.line

    async def remove_item(self, stock_line_id: int, reservation_id: str = "") -> int:
        """Releases the stock line's reservations in the cart (or only the one named); returns the units."""
        return await self._shopper.remove_item(stock_line_id, reservation_id)

    async def get_cart(self) -> cart_pb2.GetCartResponse:
        """The caller's cart."""
        return await self._service.call(
            self._service.carts.GetCart, cart_pb2.GetCartRequest(), self._metadata
        )

    async def checkout(self, idempotency_key: str) -> order_pb2.CheckoutResponse:
        """Turns the cart into an order; the same key again returns the same order."""
        request = order_pb2.CheckoutRequest(idempotency_key=idempotency_key)
        return await self._service.call(self._service.orders.Checkout, request, self._metadata)

    async def list_orders(self, limit: int = 50) -> list[order_pb2.Order]:
        """The caller's orders, newest first."""
        request = order_pb2.ListOrdersRequest(limit=limit)
        reply = await self._service.call(self._service.orders.ListOrders, request, self._metadata)
        return list(reply.orders)

    def watch_catalog(
        self, timeout_s: float, wait_for_ready: bool = True
    ) -> AsyncGenerator[CatalogUpdate, None]:
        """Catalog updates until the deadline; a failure is a ``grpc.aio.AioRpcError`` (caller resumes)."""
        return self._shopper.watch_catalog(timeout_s, wait_for_ready=wait_for_ready)

    @property
    def _metadata(self) -> tuple[tuple[str, str], ...]:
        return self._shopper.metadata
