"""The web node's client of the central: the client package's calls, answered as the pages' JSON.

Deadlines, retries and typed errors (``nodekit.status.RemoteError``) are
``distribution_client``'s: reads are made again on UNAVAILABLE, the checkout with its key also
when a stopping central cuts it, other writes once. What is the web's own is the JSON.
"""

from __future__ import annotations

from collections.abc import AsyncIterable

import grpc

from distribution_client import CentralService
from generated.distribution.v1 import cart_pb2, catalog_pb2, customer_pb2, month_pb2, order_pb2, report_pb2
from nodekit.auth import bearer_metadata
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
        self._operator = bearer_metadata(operator_key) if operator_key else ()

    @property
    def has_operator_key(self) -> bool:
        """Whether operator reads can be made."""
        return bool(self._operator)

    async def register(self, name: str, number: str, expiry_month: int, expiry_year: int) -> Json:
        """Registers a customer (made once: registration has no idempotency key)."""
        card = customer_pb2.PaymentCard(number=number, expiry_month=expiry_month, expiry_year=expiry_year)
        request = customer_pb2.RegisterCustomerRequest(name=name, card=card)
        reply = await self._service.call(self._service.customers.RegisterCustomer, request)
        return {"customer_id": reply.customer_id, "token": reply.token, "card_last4": reply.card_last4}

    async def add(self, token: str, stock_line_id: int, quantity: int) -> Json:
        """Reserves units of a line (made once: a repeat could reserve twice)."""
        request = cart_pb2.AddCartItemRequest(stock_line_id=stock_line_id, quantity=quantity)
        reply = await self._service.call(self._service.carts.AddCartItem, request, bearer_metadata(token))
        return convert.cart_line(reply.line)

    async def remove(self, token: str, stock_line_id: int) -> int:
        """Releases a line's reservations; returns the units released."""
        request = cart_pb2.RemoveCartItemRequest(stock_line_id=stock_line_id)
        reply = await self._service.call(self._service.carts.RemoveCartItem, request, bearer_metadata(token))
        return int(reply.released_quantity)

    async def cart(self, token: str) -> Json:
        """The customer's cart."""
        request = cart_pb2.GetCartRequest()
        return convert.cart(
            await self._service.call(self._service.carts.GetCart, request, bearer_metadata(token))
        )

    async def checkout(self, token: str, idempotency_key: str) -> Json:
        """Places the order; made again with the same key when cut off, so nothing is sold twice."""
        request = order_pb2.CheckoutRequest(idempotency_key=idempotency_key)
        reply = await self._service.call(self._service.orders.Checkout, request, bearer_metadata(token))
        return {"order": convert.order(reply.order), "replayed": reply.replayed}

    async def orders(self, token: str) -> list[Json]:
        """The customer's orders, newest first."""
        request = order_pb2.ListOrdersRequest(limit=50)
        reply = await self._service.call(self._service.orders.ListOrders, request, bearer_metadata(token))
        return [convert.order(placed) for placed in reply.orders]

    def watch_catalog(self) -> AsyncIterable[catalog_pb2.WatchCatalogResponse]:
        """The catalog stream (no deadline: it lasts until cancelled)."""
        stream: AsyncIterable[catalog_pb2.WatchCatalogResponse] = self._service.catalog.WatchCatalog(
            catalog_pb2.WatchCatalogRequest(), metadata=self._operator, wait_for_ready=True
        )
        return stream

    async def month_status(self) -> month_pb2.MonthStatus:
        """The current month as the operator sees it."""
        request = month_pb2.GetMonthStatusRequest()
        reply = await self._service.call(self._service.months.GetMonthStatus, request, self._operator)
        return reply.status

    async def manufacturers(self) -> list[Json]:
        """Every configured manufacturer with its link."""
        request = month_pb2.ListManufacturersRequest()
        reply = await self._service.call(self._service.months.ListManufacturers, request, self._operator)
        return [convert.manufacturer(info) for info in reply.manufacturers]

    async def branch_days(self) -> list[Json]:
        """Revenue and loss per branch and day."""
        request = report_pb2.GetBranchRevenueRequest()
        reply = await self._service.call(self._service.reports.GetBranchRevenue, request, self._operator)
        return [convert.branch_day(day) for day in reply.days]

    async def low_stock_alerts(self) -> list[Json]:
        """Open low-stock alerts of every branch."""
        request = report_pb2.ListLowStockAlertsRequest()
        reply = await self._service.call(self._service.reports.ListLowStockAlerts, request, self._operator)
        return [convert.branch_alert(alert) for alert in reply.alerts]

    async def inventory_values(self) -> list[Json]:
        """Each branch's inventory at cost."""
        request = report_pb2.GetInventoryValueRequest()
        reply = await self._service.call(self._service.reports.GetInventoryValue, request, self._operator)
        return [convert.inventory_value(row) for row in reply.branches]

    async def top_products(self) -> list[Json]:
        """The best-selling products across branches."""
        request = report_pb2.ListTopProductsRequest(limit=10)
        reply = await self._service.call(self._service.reports.ListTopProducts, request, self._operator)
        return [convert.top_product(row) for row in reply.products]
