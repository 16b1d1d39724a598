"""The operations under load: bare echo, add-to-cart (reserve), add-then-checkout pairs."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import grpc

from benchmarks.echo import UNARY
from benchmarks.load import Op
from benchmarks.market import Metadata
from distribution_client.service import CentralService
from generated.distribution.v1 import cart_pb2, order_pb2
from nodekit.channel import open_channel
from nodekit.ids import new_id

CALL_TIMEOUT_S = 10.0


@dataclass
class Channels:
    """A few client channels; worker ``i`` uses channel ``i % n``."""

    channels: list[grpc.aio.Channel]

    @classmethod
    def open(cls, address: str, count: int) -> Channels:
        """Opens ``count`` channels to ``address``."""
        return cls([open_channel(address) for _ in range(count)])

    def __getitem__(self, index: int) -> grpc.aio.Channel:
        return self.channels[index % len(self.channels)]

    async def close(self) -> None:
        """Closes every channel."""
        for channel in self.channels:
            await channel.close()


@dataclass
class Ledger:
    """What the central acknowledged to this client (checked against the database later)."""

    reservations: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)
    units_sold: int = 0
    sales: list[str] = field(default_factory=list)


def echo_op(channels: Channels, payload: bytes, metadata: Metadata) -> Op:
    """One bare unary echo of ``payload`` (same metadata as a customer call)."""
    calls: list[grpc.aio.UnaryUnaryMultiCallable[bytes, bytes]] = [
        channels[i].unary_unary(UNARY) for i in range(len(channels.channels))
    ]

    async def op(worker: int) -> None:
        await calls[worker % len(calls)](payload, metadata=metadata, timeout=CALL_TIMEOUT_S)

    return op


def reserve_op(channels: Channels, customers: Sequence[Metadata], lines: Sequence[int], ledger: Ledger) -> Op:
    """AddCartItem of one unit; worker ``i`` is customer ``i`` on line ``i % len(lines)``."""
    stubs = [CentralService(c).carts for c in channels.channels]
    requests = [cart_pb2.AddCartItemRequest(stock_line_id=line, quantity=1) for line in lines]

    async def op(worker: int) -> None:
        reply = await stubs[worker % len(stubs)].AddCartItem(
            requests[worker % len(requests)],
            metadata=customers[worker % len(customers)],
            timeout=CALL_TIMEOUT_S,
        )
        ledger.reservations.append(reply.line.reservation_id)

    return op


def checkout_op(
    channels: Channels,
    customers: Sequence[Metadata],
    lines: Sequence[int],
    ledger: Ledger,
    checkout_latencies: list[tuple[float, float]],
) -> Op:
    """One whole pair: AddCartItem of one unit, then Checkout of that cart.

    The load generator times the pair; the Checkout call alone goes to ``checkout_latencies``
    as (finished at, seconds taken), so it can be kept to the measured windows.
    A worker is one customer, so its cart holds only what it just added.
    """
    carts = [CentralService(c).carts for c in channels.channels]
    orders = [CentralService(c).orders for c in channels.channels]
    requests = [cart_pb2.AddCartItemRequest(stock_line_id=line, quantity=1) for line in lines]

    async def op(worker: int) -> None:
        metadata = customers[worker % len(customers)]
        await carts[worker % len(carts)].AddCartItem(
            requests[worker % len(requests)], metadata=metadata, timeout=CALL_TIMEOUT_S
        )
        began = time.perf_counter()
        reply = await orders[worker % len(orders)].Checkout(
            order_pb2.CheckoutRequest(idempotency_key=new_id()),
            metadata=metadata,
            timeout=CALL_TIMEOUT_S,
        )
        done = time.perf_counter()
        checkout_latencies.append((done, done - began))
        ledger.orders.append(reply.order.order_id)
        ledger.units_sold += sum(line.quantity for line in reply.order.lines)

    return op
