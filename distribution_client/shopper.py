"""The calls a customer makes: register, browse, fill a cart, check out, read its orders."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from distribution_client.convert import from_proto, from_proto_shop, to_proto
from distribution_client.records import (
    Card,
    Cart,
    CartLine,
    Catalog,
    CatalogUpdate,
    CheckoutResult,
    Order,
    Registration,
)
from distribution_client.service import CentralService
from generated.distribution.v1 import cart_pb2, catalog_pb2, customer_pb2, order_pb2
from nodekit.auth import bearer_metadata

__all__ = ["Shopper"]


class Shopper:
    """One customer's calls, with its bearer token (set by ``register`` or ``use_token``).

    Deadlines and retries are the policy table's: reads again on UNAVAILABLE, the checkout
    again with its key also when cut off, every other write once.

    Args:
        service: The central's services on an open channel.
        token: The customer's bearer token, when already known.
    """

    def __init__(self, service: CentralService, token: str = "") -> None:
        self._service = service
        self.metadata: tuple[tuple[str, str], ...] = ()
        self.token = ""
        if token:
            self.use_token(token)

    def use_token(self, token: str) -> None:
        """Calls with ``token`` from now on."""
        self.token = token
        self.metadata = bearer_metadata(token)

    async def register(self, name: str, card: Card | None, *, wait_for_ready: bool = True) -> Registration:
        """Registers a customer and calls with its token from now on.

        ``wait_for_ready`` lets a process's first call wait for a central still starting.
        """
        request = customer_pb2.RegisterCustomerRequest(
            name=name, card=to_proto.card(card) if card is not None else None
        )
        reply = await self._service.call(
            self._service.customers.RegisterCustomer, request, wait_for_ready=wait_for_ready
        )
        self.use_token(reply.token)
        return from_proto_shop.registration(reply)

    async def update_card(self, card: Card) -> str:
        """Replaces the stored card; returns its last four digits."""
        request = customer_pb2.UpdatePaymentCardRequest(card=to_proto.card(card))
        reply = await self._service.call(self._service.customers.UpdatePaymentCard, request, self.metadata)
        return reply.card_last4

    async def finish_shopping(self, month: int) -> int:
        """Says this customer is done with ``month``; returns how many shoppers are done."""
        request = customer_pb2.FinishShoppingRequest(month=month)
        reply = await self._service.call(self._service.customers.FinishShopping, request, self.metadata)
        return reply.finished_shoppers

    async def catalog(self, product: str = "") -> Catalog:
        """The lines on sale now (all, or one product's)."""
        request = catalog_pb2.ListStockLinesRequest(product=product)
        reply = await self._service.call(self._service.catalog.ListStockLines, request, self.metadata)
        return from_proto.catalog(reply)

    async def watch_catalog(
        self, timeout_s: float | None = None, *, wait_for_ready: bool = True
    ) -> AsyncGenerator[CatalogUpdate, None]:
        """The catalog stream: a snapshot first, then changes, until ``timeout_s`` (None: no end).

        Not resumed here: a new watch starts with a fresh snapshot, and the caller paces it.

        Raises:
            grpc.aio.AioRpcError: When the stream fails (the caller's reconnect loop reads it).
        """
        call = self._service.catalog.WatchCatalog(
            catalog_pb2.WatchCatalogRequest(),
            timeout=timeout_s,
            metadata=self.metadata,
            wait_for_ready=wait_for_ready,
        )
        try:
            async for message in call:
                yield from_proto.catalog_update(message)
        finally:
            call.cancel()

    async def add_item(self, stock_line_id: int, quantity: int) -> CartLine:
        """Reserves ``quantity`` units of a stock line."""
        request = cart_pb2.AddCartItemRequest(stock_line_id=stock_line_id, quantity=quantity)
        reply = await self._service.call(self._service.carts.AddCartItem, request, self.metadata)
        return from_proto_shop.cart_line(reply.line)

    async def remove_item(self, stock_line_id: int, reservation_id: str = "") -> int:
        """Releases a line's reservations (or only the one named); returns the units released."""
        request = cart_pb2.RemoveCartItemRequest(stock_line_id=stock_line_id, reservation_id=reservation_id)
        reply = await self._service.call(self._service.carts.RemoveCartItem, request, self.metadata)
        return reply.released_quantity

    async def cart(self) -> Cart:
        """The cart, expired reservations too."""
        reply = await self._service.call(
            self._service.carts.GetCart, cart_pb2.GetCartRequest(), self.metadata
        )
        return from_proto_shop.cart(reply)

    async def checkout(self, idempotency_key: str) -> CheckoutResult:
        """Turns the cart into an order; the same key again returns the same order."""
        request = order_pb2.CheckoutRequest(idempotency_key=idempotency_key)
        reply = await self._service.call(self._service.orders.Checkout, request, self.metadata)
        return from_proto_shop.checkout(reply)

    async def orders(self, limit: int = 50) -> list[Order]:
        """The customer's orders, newest first."""
        request = order_pb2.ListOrdersRequest(limit=limit)
        reply = await self._service.call(self._service.orders.ListOrders, request, self.metadata)
        return [from_proto_shop.order(placed) for placed in reply.orders]
