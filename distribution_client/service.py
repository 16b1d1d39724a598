"""The central's gRPC services on one channel: the one place stubs are built and calls are made.

Every unary call goes through ``CentralService.call``, which looks the method up in
``distribution_client.policy`` and applies its deadline and retry; a failure leaves as a
typed ``RemoteError`` (``distribution_client.errors``). Streams are opened on the stubs
themselves (they carry no deadline and are reconnected by their owners).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import grpc
from google.protobuf.message import Message

from distribution_client.errors import remote_error
from distribution_client.policy import Retry, policy_of
from generated.distribution.v1 import (
    branch_pb2_grpc,
    cart_pb2_grpc,
    catalog_pb2_grpc,
    customer_pb2_grpc,
    manufacturer_pb2_grpc,
    month_pb2_grpc,
    order_pb2_grpc,
    report_pb2_grpc,
)
from nodekit.retry import call_keyed_write, call_with_retry

__all__ = ["CentralService", "Metadata"]

logger = logging.getLogger(__name__)

Req = TypeVar("Req", bound=Message)
Resp = TypeVar("Resp", bound=Message)
T = TypeVar("T")
Metadata = Sequence[tuple[str, str]]


async def _once(call: Callable[[], Awaitable[T]]) -> T:
    return await call()


class CentralService:
    """Typed stubs of every service of the central, and the one way to call them.

    Args:
        channel: An open channel (``distribution_client.connect`` makes one).
        timeout_s: Deadline of every unary call, replacing the table's; None keeps the table's.
        retry: False makes every call once, whatever the table says (a person at a prompt who
            sees the failure at once and decides, like the operator command).
    """

    def __init__(self, channel: grpc.aio.Channel, timeout_s: float | None = None, retry: bool = True) -> None:
        self.channel = channel
        self.timeout_s = timeout_s
        self.retry = retry
        self.customers = customer_pb2_grpc.CustomerServiceStub(channel)
        self.catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
        self.carts = cart_pb2_grpc.CartServiceStub(channel)
        self.orders = order_pb2_grpc.OrderServiceStub(channel)
        self.months = month_pb2_grpc.MonthServiceStub(channel)
        self.reports = report_pb2_grpc.ReportServiceStub(channel)
        self.branches = branch_pb2_grpc.BranchServiceStub(channel)
        self.link = manufacturer_pb2_grpc.ManufacturerLinkServiceStub(channel)
        # Each stub attribute is one multicallable object for the stub's life: its identity names it.
        self._names: dict[int, str] = {}
        for stub, module in (
            (self.customers, "CustomerService"),
            (self.catalog, "CatalogService"),
            (self.carts, "CartService"),
            (self.orders, "OrderService"),
            (self.months, "MonthService"),
            (self.reports, "ReportService"),
            (self.branches, "BranchService"),
            (self.link, "ManufacturerLinkService"),
        ):
            for rpc, callable_ in vars(stub).items():
                self._names[id(callable_)] = f"distribution.v1.{module}/{rpc}"

    def method_name(self, rpc: object) -> str:
        """``distribution.v1.CartService/AddCartItem`` for ``self.carts.AddCartItem``."""
        return self._names[id(rpc)]

    async def call(
        self,
        rpc: grpc.aio.UnaryUnaryMultiCallable[Req, Resp],
        request: Req,
        metadata: Metadata = (),
        *,
        timeout_s: float | None = None,
        wait_for_ready: bool | None = None,
        retry: bool = True,
    ) -> Resp:
        """Calls ``rpc`` under its policy: its deadline (or ``timeout_s``) and its retry.

        Args:
            rpc: One of this object's stub methods, e.g. ``service.carts.GetCart``.
            request: The request message.
            metadata: Call metadata (the caller's bearer token).
            timeout_s: This call's deadline, for a call whose wait the caller knows better
                (OpenMonth waits for the offers); None for the configured or declared one.
            wait_for_ready: Wait for a central that is not up yet instead of failing at once.
            retry: False for one attempt only (a probe whose answer matters only now).

        Raises:
            RemoteError: The call failed; a subclass names the status (``errors``).
        """
        name = self.method_name(rpc)
        policy = policy_of(name)
        deadline = timeout_s or self.timeout_s or policy.deadline_s
        send = tuple(metadata)

        def attempt() -> Awaitable[Resp]:
            return rpc(request, timeout=deadline, metadata=send, wait_for_ready=wait_for_ready)

        runner: Callable[[Callable[[], Awaitable[Resp]]], Awaitable[Resp]] = _once
        if self.retry and retry:
            if policy.retry is Retry.TRANSIENT:
                runner = call_with_retry
            elif policy.retry is Retry.KEYED:
                runner = call_keyed_write
        try:
            return await runner(attempt)
        except grpc.aio.AioRpcError as error:
            remote = remote_error(error)
            logger.debug("%s failed: %s %s %s", name, remote.code.name, remote.reason, remote.message)
            raise remote from error
