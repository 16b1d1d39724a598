"""OrderService: checkout and history."""

from __future__ import annotations

from typing import Any

import grpc

from central.api.convert import order
from central.service.checkout import Checkout
from generated.distribution.v1 import order_pb2, order_pb2_grpc
from nodekit.guard import principal


class OrderServicer(order_pb2_grpc.OrderServiceServicer):
    """Parses, calls one use case, answers."""

    def __init__(self, checkout: Checkout) -> None:
        self._checkout = checkout

    async def Checkout(
        self, request: order_pb2.CheckoutRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> order_pb2.CheckoutResponse:
        result = await self._checkout.checkout(principal().subject_id, request.idempotency_key)
        return order_pb2.CheckoutResponse(order=order(result.order), replayed=result.replayed)

    async def ListOrders(
        self, request: order_pb2.ListOrdersRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> order_pb2.ListOrdersResponse:
        views = await self._checkout.history(principal().subject_id, request.limit)
        return order_pb2.ListOrdersResponse(orders=[order(view) for view in views])
