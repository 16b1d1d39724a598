"""A customer's typed client for the central: one place for deadlines, auth, retries and errors."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TypeVar

import grpc

from customer_node.catalog import CatalogLine, CatalogUpdate, MonthState
from customer_node.cli import CardInput
from generated.distribution.v1 import (
    cart_pb2,
    cart_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    common_pb2,
    customer_pb2,
    customer_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
)
from nodekit.auth import bearer_metadata
from nodekit.retry import call_keyed_write, call_with_retry
from nodekit.status import RemoteError, from_rpc_error

logger = logging.getLogger(__name__)

T = TypeVar("T")

_STATES = {
    common_pb2.MONTH_STATE_COLLECTING: MonthState.COLLECTING,
    common_pb2.MONTH_STATE_OPEN: MonthState.OPEN,
    common_pb2.MONTH_STATE_CLOSED: MonthState.CLOSED,
}


def to_update(message: catalog_pb2.WatchCatalogResponse) -> CatalogUpdate:
    """Converts one catalog stream message to the plain form the view understands."""
    return CatalogUpdate(
        snapshot=message.snapshot,
        month=message.month,
        state=_STATES.get(message.month_state, MonthState.UNSPECIFIED),
        lines=tuple(to_line(line, message.month) for line in message.stock_lines),
        paused=message.month_paused,
        month_seconds=message.month_seconds,
    )


def to_line(line: common_pb2.StockLine, month: int) -> CatalogLine:
    """Converts a stock line (a missing month is taken from the enclosing message)."""
    return CatalogLine(
        stock_line_id=line.stock_line_id,
        month=line.month or month,
        product=line.product,
        manufacturer_name=line.manufacturer_name,
        unit_price_cents=line.unit_price_cents,
        available=line.available,
    )


def to_card(card: CardInput) -> customer_pb2.PaymentCard:
    """The wire form of a card."""
    return customer_pb2.PaymentCard(
        number=card.number, expiry_month=card.expiry_month, expiry_year=card.expiry_year
    )


class Session:
    """The central's customer-facing services, called with one customer's token.

    Every call has a deadline. Only reads (on UNAVAILABLE) and the checkout (which carries an
    idempotency key; on UNAVAILABLE or CANCELLED, as a stopping central cuts it) are retried;
    a failed call raises ``RemoteError`` carrying the status code, the human message and the
    ErrorInfo reason and metadata.

    Args:
        channel: An open channel to the central.
        timeout_s: Deadline of each unary call.
        token: Bearer token; set later by ``register`` or ``use_token`` when not known yet.
    """

    def __init__(self, channel: grpc.aio.Channel, timeout_s: float, token: str = "") -> None:
        self._timeout_s = timeout_s
        self._customers = customer_pb2_grpc.CustomerServiceStub(channel)
        self._catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
        self._carts = cart_pb2_grpc.CartServiceStub(channel)
        self._orders = order_pb2_grpc.OrderServiceStub(channel)
        self._metadata: tuple[tuple[str, str], ...] = ()
        if token:
            self.use_token(token)

    def use_token(self, token: str) -> None:
        """Sends ``token`` as the bearer token from now on."""
        self._metadata = bearer_metadata(token)

    async def register(
        self, name: str, card: CardInput | None, wait_for_ready: bool = True
    ) -> customer_pb2.RegisterCustomerResponse:
        """Registers a customer and starts using its token.

        Not retried: registration has no idempotency key, so a retry could register twice.
        ``wait_for_ready`` lets the first call of a process wait for a central still starting.
        """
        request = customer_pb2.RegisterCustomerRequest(
            name=name, card=to_card(card) if card is not None else None
        )
        reply: customer_pb2.RegisterCustomerResponse = await self._once(
            lambda: self._customers.RegisterCustomer(
                request, timeout=self._timeout_s, wait_for_ready=wait_for_ready
            )
        )
        self.use_token(reply.token)
        return reply

    async def update_card(self, card: CardInput) -> str:
        """Replaces the stored card; returns its last four digits."""
        request = customer_pb2.UpdatePaymentCardRequest(card=to_card(card))
        reply: customer_pb2.UpdatePaymentCardResponse = await self._once(
            lambda: self._customers.UpdatePaymentCard(
                request, timeout=self._timeout_s, metadata=self._metadata
            )
        )
        return reply.card_last4

    async def finish_shopping(self, month: int) -> int:
        """Tells the central this customer is done with ``month``; returns how many are done.

        Not retried: it has no idempotency key (a lost answer is logged by the caller).
        """
        request = customer_pb2.FinishShoppingRequest(month=month)
        reply: customer_pb2.FinishShoppingResponse = await self._once(
            lambda: self._customers.FinishShopping(request, timeout=self._timeout_s, metadata=self._metadata)
        )
        return reply.finished_shoppers

    async def add_item(self, stock_line_id: int, quantity: int) -> cart_pb2.CartLine:
        """Reserves ``quantity`` units of a stock line (a write without key: not retried)."""
        request = cart_pb2.AddCartItemRequest(stock_line_id=stock_line_id, quantity=quantity)
        reply: cart_pb2.AddCartItemResponse = await self._once(
            lambda: self._carts.AddCartItem(request, timeout=self._timeout_s, metadata=self._metadata)
        )
        return reply.line

    async def remove_item(self, stock_line_id: int, reservation_id: str = "") -> int:
        """Releases the stock line's reservations in the cart (or only the one named); returns the units."""
        request = cart_pb2.RemoveCartItemRequest(stock_line_id=stock_line_id, reservation_id=reservation_id)
        reply: cart_pb2.RemoveCartItemResponse = await self._once(
            lambda: self._carts.RemoveCartItem(request, timeout=self._timeout_s, metadata=self._metadata)
        )
        return reply.released_quantity

    async def get_cart(self) -> cart_pb2.GetCartResponse:
        """The caller's cart (a read: retried on UNAVAILABLE)."""
        request = cart_pb2.GetCartRequest()
        reply: cart_pb2.GetCartResponse = await self._retried(
            lambda: self._carts.GetCart(request, timeout=self._timeout_s, metadata=self._metadata)
        )
        return reply

    async def checkout(self, idempotency_key: str) -> order_pb2.CheckoutResponse:
        """Turns the cart into an order; retried with the same key when unavailable or cut off."""
        request = order_pb2.CheckoutRequest(idempotency_key=idempotency_key)
        try:
            reply: order_pb2.CheckoutResponse = await call_keyed_write(
                lambda: self._orders.Checkout(request, timeout=self._timeout_s, metadata=self._metadata)
            )
        except grpc.aio.AioRpcError as error:
            raise _remote(error) from error
        return reply

    async def list_orders(self, limit: int = 50) -> list[order_pb2.Order]:
        """The caller's orders, newest first (a read: retried on UNAVAILABLE)."""
        request = order_pb2.ListOrdersRequest(limit=limit)
        reply: order_pb2.ListOrdersResponse = await self._retried(
            lambda: self._orders.ListOrders(request, timeout=self._timeout_s, metadata=self._metadata)
        )
        return list(reply.orders)

    async def watch_catalog(
        self, timeout_s: float, wait_for_ready: bool = True
    ) -> AsyncGenerator[CatalogUpdate, None]:
        """Streams catalog updates: a snapshot first, then changes, until the deadline.

        The stream is not retried here: the caller decides how to resume (a new watch starts
        with a fresh snapshot). Errors surface as the raw ``grpc.aio.AioRpcError`` so that the
        caller can hand the reconnect to ``nodekit.retry``.
        """
        call = self._catalog.WatchCatalog(
            catalog_pb2.WatchCatalogRequest(),
            timeout=timeout_s,
            metadata=self._metadata,
            wait_for_ready=wait_for_ready,
        )
        try:
            async for message in call:
                yield to_update(message)
        finally:
            call.cancel()

    async def _once(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            raise _remote(error) from error

    async def _retried(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call_with_retry(call)
        except grpc.aio.AioRpcError as error:
            raise _remote(error) from error


def _remote(error: grpc.aio.AioRpcError) -> RemoteError:
    remote = from_rpc_error(error)
    logger.debug("call failed: %s %s %s", remote.code.name, remote.reason, remote.message)
    return remote
