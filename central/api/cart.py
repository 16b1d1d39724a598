"""CartService: add, remove, view."""

from __future__ import annotations

from typing import Any

import grpc

from central.api.convert import cart_line
from central.service.cart import Cart
from generated.distribution.v1 import cart_pb2, cart_pb2_grpc
from nodekit.guard import principal


class CartServicer(cart_pb2_grpc.CartServiceServicer):
    """Parses, calls one use case, answers."""

    def __init__(self, cart: Cart) -> None:
        self._cart = cart

    async def AddCartItem(
        self, request: cart_pb2.AddCartItemRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cart_pb2.AddCartItemResponse:
        line = await self._cart.add(principal().subject_id, request.stock_line_id, request.quantity)
        return cart_pb2.AddCartItemResponse(line=cart_line(line))

    async def RemoveCartItem(
        self, request: cart_pb2.RemoveCartItemRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cart_pb2.RemoveCartItemResponse:
        released = await self._cart.remove(
            principal().subject_id, request.stock_line_id, request.reservation_id
        )
        return cart_pb2.RemoveCartItemResponse(released_quantity=released)

    async def GetCart(
        self, request: cart_pb2.GetCartRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cart_pb2.GetCartResponse:
        lines = await self._cart.view(principal().subject_id)
        total = sum(line.quantity * line.unit_price_cents for line in lines)
        return cart_pb2.GetCartResponse(lines=[cart_line(line) for line in lines], total_cents=total)
