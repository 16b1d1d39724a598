"""The client package's policy table on a real channel: which failures each method makes again.

The servicers here are a scripted central (real gRPC, real status codes) that fails a call a
chosen number of times, so that the client's side of the policy is seen attempt by attempt.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from distribution_client import CentralService, Unavailable, connect
from generated.distribution.v1 import cart_pb2, cart_pb2_grpc, order_pb2, order_pb2_grpc
from nodekit.status import RemoteError
from web_node.gateway import Gateway


class Script:
    """How many times each method fails, and with which code, before it answers; counts attempts."""

    def __init__(self) -> None:
        self.failures: dict[str, tuple[grpc.StatusCode, int]] = {}
        self.attempts: dict[str, int] = {}

    async def attempt(self, method: str, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        self.attempts[method] = self.attempts.get(method, 0) + 1
        code, times = self.failures.get(method, (grpc.StatusCode.OK, 0))
        if self.attempts[method] <= times:
            await context.abort(code, f"scripted {code.name}")


class Orders(order_pb2_grpc.OrderServiceServicer):
    def __init__(self, script: Script) -> None:
        self._script = script

    async def Checkout(
        self, request: order_pb2.CheckoutRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> order_pb2.CheckoutResponse:
        await self._script.attempt("Checkout", context)
        return order_pb2.CheckoutResponse(
            order=order_pb2.Order(order_id="o-1", idempotency_key=request.idempotency_key)
        )

    async def ListOrders(
        self, request: order_pb2.ListOrdersRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> order_pb2.ListOrdersResponse:
        await self._script.attempt("ListOrders", context)
        return order_pb2.ListOrdersResponse()


class Carts(cart_pb2_grpc.CartServiceServicer):
    def __init__(self, script: Script) -> None:
        self._script = script

    async def AddCartItem(
        self, request: cart_pb2.AddCartItemRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cart_pb2.AddCartItemResponse:
        await self._script.attempt("AddCartItem", context)
        return cart_pb2.AddCartItemResponse()

    async def RemoveCartItem(
        self, request: cart_pb2.RemoveCartItemRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cart_pb2.RemoveCartItemResponse:
        await self._script.attempt("RemoveCartItem", context)
        return cart_pb2.RemoveCartItemResponse()

    async def GetCart(
        self, request: cart_pb2.GetCartRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cart_pb2.GetCartResponse:
        await self._script.attempt("GetCart", context)
        return cart_pb2.GetCartResponse(total_cents=5)


@pytest.fixture
async def scripted() -> AsyncIterator[tuple[Script, str]]:
    script = Script()
    server = grpc.aio.server()
    order_pb2_grpc.add_OrderServiceServicer_to_server(Orders(script), server)
    cart_pb2_grpc.add_CartServiceServicer_to_server(Carts(script), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield script, f"127.0.0.1:{port}"
    finally:
        await server.stop(None)


async def test_a_keyed_checkout_is_made_again_when_cut_off(scripted: tuple[Script, str]) -> None:
    script, address = scripted
    script.failures["Checkout"] = (grpc.StatusCode.CANCELLED, 2)
    async with connect(address) as client:
        result = await client.shopper("token").checkout("key-00000001")
    assert result.order.order_id == "o-1" and script.attempts["Checkout"] == 3


async def test_the_web_checkout_follows_the_same_policy(scripted: tuple[Script, str]) -> None:
    script, address = scripted
    script.failures["Checkout"] = (grpc.StatusCode.CANCELLED, 1)
    async with connect(address) as client:
        reply = await Gateway(client.channel, "", 5.0).checkout("token", "key-00000001")
    assert reply["order"]["order_id"] == "o-1" and script.attempts["Checkout"] == 2


async def test_a_read_is_made_again_on_unavailable_only(scripted: tuple[Script, str]) -> None:
    script, address = scripted
    script.failures["GetCart"] = (grpc.StatusCode.UNAVAILABLE, 2)
    script.failures["ListOrders"] = (grpc.StatusCode.CANCELLED, 1)
    async with connect(address) as client:
        shopper = client.shopper("token")
        assert (await shopper.cart()).total_cents == 5
        with pytest.raises(RemoteError) as cut:
            await shopper.orders()
    assert cut.value.code is grpc.StatusCode.CANCELLED
    assert (script.attempts["GetCart"], script.attempts["ListOrders"]) == (3, 1)


async def test_a_write_without_a_key_is_made_once(scripted: tuple[Script, str]) -> None:
    script, address = scripted
    script.failures["AddCartItem"] = (grpc.StatusCode.UNAVAILABLE, 1)
    script.failures["RemoveCartItem"] = (grpc.StatusCode.CANCELLED, 1)
    async with connect(address) as client:
        shopper = client.shopper("token")
        with pytest.raises(Unavailable):
            await shopper.add_item(1, 1)
        with pytest.raises(RemoteError):
            await shopper.remove_item(1)
    assert (script.attempts["AddCartItem"], script.attempts["RemoveCartItem"]) == (1, 1)


async def test_a_client_without_retries_makes_every_call_once(scripted: tuple[Script, str]) -> None:
    script, address = scripted
    script.failures["GetCart"] = (grpc.StatusCode.UNAVAILABLE, 1)
    script.failures["Checkout"] = (grpc.StatusCode.CANCELLED, 1)
    async with connect(address) as client:
        service = CentralService(client.channel, retry=False)
        with pytest.raises(RemoteError):
            await service.call(service.carts.GetCart, cart_pb2.GetCartRequest())
        with pytest.raises(RemoteError):
            await service.call(
                service.orders.Checkout, order_pb2.CheckoutRequest(idempotency_key="key-00000001")
            )
    assert (script.attempts["GetCart"], script.attempts["Checkout"]) == (1, 1)
