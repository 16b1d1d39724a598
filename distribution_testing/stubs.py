"""Raw stubs on one channel and shortcuts for common set-up calls, for tests of the wire itself."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import grpc

from distribution_client.service import CentralService
from distribution_testing.central import RunningCentral
from distribution_testing.polling import TIMEOUT
from generated.distribution.v1 import (
    cart_pb2,
    cart_pb2_grpc,
    catalog_pb2_grpc,
    common_pb2,
    customer_pb2,
    customer_pb2_grpc,
    month_pb2,
    month_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
)
from nodekit.auth import bearer_metadata
from nodekit.status import RemoteError, from_rpc_error

T = TypeVar("T")

VALID_CARD = customer_pb2.PaymentCard(number="4242 4242 4242 4242", expiry_month=12, expiry_year=2031)


@dataclass
class Stubs:
    """Every customer-facing and operator stub on one channel."""

    customers: customer_pb2_grpc.CustomerServiceStub
    catalog: catalog_pb2_grpc.CatalogServiceStub
    cart: cart_pb2_grpc.CartServiceStub
    orders: order_pb2_grpc.OrderServiceStub
    months: month_pb2_grpc.MonthServiceStub

    @classmethod
    def on(cls, channel: grpc.aio.Channel) -> Stubs:
        """Stubs on ``channel``: the client package's, used raw (no retry table, no records)."""
        service = CentralService(channel)
        return cls(service.customers, service.catalog, service.carts, service.orders, service.months)


async def register(stubs: Stubs, name: str = "ann", card: bool = True) -> tuple[tuple[str, str], ...]:
    """Registers a customer and returns its auth metadata."""
    request = customer_pb2.RegisterCustomerRequest(name=name, card=VALID_CARD if card else None)
    reply = await stubs.customers.RegisterCustomer(request, timeout=TIMEOUT)
    return bearer_metadata(reply.token)


async def open_month_with(
    rc: RunningCentral,
    stubs: Stubs,
    lines: dict[str, int],
    manufacturer: str = "Acme",
    price: int = 250,
) -> dict[str, int]:
    """Opens the next month, offers ``lines`` (product -> quantity), returns product -> stock line id."""
    opened = await stubs.months.OpenMonth(
        month_pb2.OpenMonthRequest(offer_deadline_ms=1),
        metadata=rc.operator_metadata,
        timeout=TIMEOUT,
    )
    reply = await stubs.months.SubmitOffer(
        month_pb2.SubmitOfferRequest(
            manufacturer_name=manufacturer,
            month=opened.month,
            lines=[
                common_pb2.OfferLine(product=p, quantity=q, unit_price_cents=price) for p, q in lines.items()
            ],
        ),
        metadata=rc.operator_metadata,
        timeout=TIMEOUT,
    )
    return {line.product: line.stock_line_id for line in reply.stock_lines}


async def add(
    stubs: Stubs, who: tuple[tuple[str, str], ...], line_id: int, quantity: int
) -> cart_pb2.AddCartItemResponse:
    """Adds to the cart."""
    return await stubs.cart.AddCartItem(
        cart_pb2.AddCartItemRequest(stock_line_id=line_id, quantity=quantity),
        metadata=who,
        timeout=TIMEOUT,
    )


async def checkout(stubs: Stubs, who: tuple[tuple[str, str], ...], key: str) -> order_pb2.CheckoutResponse:
    """Checks out with an idempotency key."""
    return await stubs.orders.Checkout(
        order_pb2.CheckoutRequest(idempotency_key=key), metadata=who, timeout=TIMEOUT
    )


async def status(rc: RunningCentral, stubs: Stubs, month: int = 0) -> month_pb2.MonthStatus:
    """The month's status as the operator sees it."""
    reply = await stubs.months.GetMonthStatus(
        month_pb2.GetMonthStatusRequest(month=month), metadata=rc.operator_metadata, timeout=TIMEOUT
    )
    return reply.status


async def next_reply(call: grpc.aio.UnaryStreamCall[Any, T] | grpc.aio.StreamStreamCall[Any, T]) -> T:
    """The stream's next reply; the test fails if the stream ended instead."""
    reply = await call.read()
    assert reply is not grpc.aio.EOF, "the stream ended before its next reply"
    return cast(T, reply)


async def fails(call: Awaitable[object]) -> RemoteError:
    """Awaits a call that must fail and returns the typed error."""
    try:
        await call
    except grpc.aio.AioRpcError as error:
        return from_rpc_error(error)
    raise AssertionError("the call succeeded but should have failed")


async def jam_and_tea_ordered_twice(
    stubs: Stubs, lines: dict[str, int], key: str
) -> tuple[tuple[str, str], ...]:
    """A new customer buys 2 jam and 1 tea, then replays the checkout; returns the customer."""
    ann = await register(stubs, "ann")
    await add(stubs, ann, lines["jam"], 2)
    await add(stubs, ann, lines["tea"], 1)
    first = await checkout(stubs, ann, key)
    again = await checkout(stubs, ann, key)
    assert again.replayed
    assert again.order.order_id == first.order.order_id
    assert [(line.product, line.quantity) for line in first.order.lines] == [("jam", 2), ("tea", 1)]
    return ann
