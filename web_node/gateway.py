"""The web node's client of the central: deadlines, bearer tokens, the one retry policy, typed errors."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable
from typing import TypeVar

import grpc

from generated.distribution.v1 import (
    cart_pb2,
    cart_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    customer_pb2,
    customer_pb2_grpc,
    month_pb2,
    month_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    report_pb2,
    report_pb2_grpc,
)
from nodekit.auth import bearer_metadata
from nodekit.retry import call_with_retry
from nodekit.status import from_rpc_error
from web_node import convert
from web_node.convert import Json

T = TypeVar("T")


class Gateway:
    """Every call the pages make, on one channel to the central.

    Reads and the checkout (which carries its idempotency key) are retried on UNAVAILABLE;
    other writes are made once. A failed call raises ``nodekit.status.RemoteError``.

    Args:
        channel: An open channel to the central.
        operator_key: The operator's bearer token for the dashboard's and headquarters' reads.
        timeout_s: Deadline of every unary call.
    """

    def __init__(self, channel: grpc.aio.Channel, operator_key: str, timeout_s: float) -> None:
        self._timeout_s = timeout_s
        self._operator = bearer_metadata(operator_key) if operator_key else ()
        self._customers = customer_pb2_grpc.CustomerServiceStub(channel)
        self._catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
        self._carts = cart_pb2_grpc.CartServiceStub(channel)
        self._orders = order_pb2_grpc.OrderServiceStub(channel)
        self._months = month_pb2_grpc.MonthServiceStub(channel)
        self._reports = report_pb2_grpc.ReportServiceStub(channel)

    @property
    def has_operator_key(self) -> bool:
        """Whether operator reads can be made."""
        return bool(self._operator)

    async def register(self, name: str, number: str, expiry_month: int, expiry_year: int) -> Json:
        """Registers a customer; not retried (registration has no idempotency key)."""
        card = customer_pb2.PaymentCard(number=number, expiry_month=expiry_month, expiry_year=expiry_year)
        request = customer_pb2.RegisterCustomerRequest(name=name, card=card)
        reply = await _once(lambda: self._customers.RegisterCustomer(request, timeout=self._timeout_s))
        return {"customer_id": reply.customer_id, "token": reply.token, "card_last4": reply.card_last4}

    async def add(self, token: str, stock_line_id: int, quantity: int) -> Json:
        """Reserves units of a line; made once (a retry could reserve twice)."""
        request = cart_pb2.AddCartItemRequest(stock_line_id=stock_line_id, quantity=quantity)
        reply = await _once(
            lambda: self._carts.AddCartItem(request, timeout=self._timeout_s, metadata=bearer_metadata(token))
        )
        return convert.cart_line(reply.line)

    async def remove(self, token: str, stock_line_id: int) -> int:
        """Releases a line's reservations; returns the units released."""
        request = cart_pb2.RemoveCartItemRequest(stock_line_id=stock_line_id)
        reply = await _once(
            lambda: self._carts.RemoveCartItem(
                request, timeout=self._timeout_s, metadata=bearer_metadata(token)
            )
        )
        return int(reply.released_quantity)

    async def cart(self, token: str) -> Json:
        """The customer's cart."""
        reply = await _read(
            lambda: self._carts.GetCart(
                cart_pb2.GetCartRequest(), timeout=self._timeout_s, metadata=bearer_metadata(token)
            )
        )
        return convert.cart(reply)

    async def checkout(self, token: str, idempotency_key: str) -> Json:
        """Places the order; retried with the same key, so nothing is sold twice."""
        request = order_pb2.CheckoutRequest(idempotency_key=idempotency_key)
        reply = await _read(
            lambda: self._orders.Checkout(request, timeout=self._timeout_s, metadata=bearer_metadata(token))
        )
        return {"order": convert.order(reply.order), "replayed": reply.replayed}

    async def orders(self, token: str) -> list[Json]:
        """The customer's orders, newest first."""
        reply = await _read(
            lambda: self._orders.ListOrders(
                order_pb2.ListOrdersRequest(limit=50),
                timeout=self._timeout_s,
                metadata=bearer_metadata(token),
            )
        )
        return [convert.order(placed) for placed in reply.orders]

    def watch_catalog(self) -> AsyncIterable[catalog_pb2.WatchCatalogResponse]:
        """The catalog stream (no deadline: it lasts until cancelled)."""
        stream: AsyncIterable[catalog_pb2.WatchCatalogResponse] = self._catalog.WatchCatalog(
            catalog_pb2.WatchCatalogRequest(), metadata=self._operator, wait_for_ready=True
        )
        return stream

    async def month_status(self) -> month_pb2.MonthStatus:
        """The current month as the operator sees it."""
        reply = await _read(
            lambda: self._months.GetMonthStatus(
                month_pb2.GetMonthStatusRequest(), timeout=self._timeout_s, metadata=self._operator
            )
        )
        status: month_pb2.MonthStatus = reply.status
        return status

    async def manufacturers(self) -> list[Json]:
        """Every configured manufacturer with its link."""
        reply = await _read(
            lambda: self._months.ListManufacturers(
                month_pb2.ListManufacturersRequest(), timeout=self._timeout_s, metadata=self._operator
            )
        )
        return [convert.manufacturer(info) for info in reply.manufacturers]

    async def branch_days(self) -> list[Json]:
        """Revenue and loss per branch and day."""
        reply = await _read(
            lambda: self._reports.GetBranchRevenue(
                report_pb2.GetBranchRevenueRequest(), timeout=self._timeout_s, metadata=self._operator
            )
        )
        return [convert.branch_day(day) for day in reply.days]

    async def low_stock_alerts(self) -> list[Json]:
        """Open low-stock alerts of every branch."""
        reply = await _read(
            lambda: self._reports.ListLowStockAlerts(
                report_pb2.ListLowStockAlertsRequest(), timeout=self._timeout_s, metadata=self._operator
            )
        )
        return [convert.branch_alert(alert) for alert in reply.alerts]

    async def inventory_values(self) -> list[Json]:
        """Each branch's inventory at cost."""
        reply = await _read(
            lambda: self._reports.GetInventoryValue(
                report_pb2.GetInventoryValueRequest(), timeout=self._timeout_s, metadata=self._operator
            )
        )
        return [convert.inventory_value(row) for row in reply.branches]

    async def top_products(self) -> list[Json]:
        """The best-selling products across branches."""
        reply = await _read(
            lambda: self._reports.ListTopProducts(
                report_pb2.ListTopProductsRequest(limit=10), timeout=self._timeout_s, metadata=self._operator
            )
        )
        return [convert.top_product(row) for row in reply.products]


async def _read(call: Callable[[], Awaitable[T]]) -> T:
    """A read (or a keyed write): retried on UNAVAILABLE, then a typed error."""
    try:
        return await call_with_retry(call)
    except grpc.aio.AioRpcError as error:
        raise from_rpc_error(error) from None


async def _once(call: Callable[[], Awaitable[T]]) -> T:
    """A write without an idempotency key: one attempt, then a typed error."""
    try:
        return await call()
    except grpc.aio.AioRpcError as error:
        raise from_rpc_error(error) from None
