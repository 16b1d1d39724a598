"""The one long-lived stream to the central, reconnected with bounded, jittered backoff."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import grpc
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_delay,
    wait_exponential_jitter,
)

from generated.distribution.v1 import common_pb2, manufacturer_pb2, manufacturer_pb2_grpc
from manufacturer_node.desk import DepletionNotice, Desk, Notice, ReportNotice, Result
from manufacturer_node.planning import Advice
from manufacturer_node.plant import Plant
from nodekit.auth import bearer_metadata

logger = logging.getLogger(__name__)

# The stream itself has no deadline (it lives as long as the process); these bound each step.
WELCOME_TIMEOUT_S = 10.0
BACKOFF_INITIAL_S = 0.1
BACKOFF_MAX_S = 3.0
RECONNECTABLE = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED}
)
PRIORITY_NAMES = {common_pb2.PRIORITY_A: "A", common_pb2.PRIORITY_B: "B", common_pb2.PRIORITY_C: "C"}


class LinkLost(Exception):
    """The stream ended before the central welcomed us."""


def _reconnectable(error: BaseException) -> bool:
    if isinstance(error, grpc.aio.AioRpcError):
        return error.code() in RECONNECTABLE
    return isinstance(error, LinkLost | TimeoutError)


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    logger.warning("central not reachable (%s); retrying in %.2fs", _describe(error), wait)


def _describe(error: BaseException | None) -> str:
    if isinstance(error, grpc.aio.AioRpcError):
        return str(error.code().name)
    return type(error).__name__


class CentralLink:
    """Keeps the stream up: Hello, answer offer requests, apply and acknowledge notifications.

    Args:
        channel: Channel to the central (it reconnects by itself underneath).
        key: The manufacturer's key.
        plant: Production and consignment.
        desk: Applies notifications once.
        give_up_s: How long one outage may last before ``run`` raises.
    """

    def __init__(
        self, channel: grpc.aio.Channel, key: str, plant: Plant, desk: Desk, give_up_s: float
    ) -> None:
        self._stub = manufacturer_pb2_grpc.ManufacturerLinkServiceStub(channel)
        self._metadata = bearer_metadata(key)
        self._plant = plant
        self._desk = desk
        self._give_up_s = give_up_s
        self.connected = asyncio.Event()
        self.connections = 0

    async def run(self) -> None:
        """Connects, and reconnects after every outage; raises on a refusal or a too-long outage."""
        while True:
            retrying = AsyncRetrying(
                retry=retry_if_exception(_reconnectable),
                wait=wait_exponential_jitter(
                    multiplier=BACKOFF_INITIAL_S, min=BACKOFF_INITIAL_S, max=BACKOFF_MAX_S, jitter=0.3
                ),
                stop=stop_after_delay(self._give_up_s),
                before_sleep=_log_retry,
                reraise=True,
            )
            async for attempt in retrying:
                with attempt:
                    await self._session()

    async def _session(self) -> None:
        """One stream: returns when it ends after the welcome, raises if it never got that far."""
        call: Any = self._stub.Connect(metadata=self._metadata)
        try:
            hello = manufacturer_pb2.Hello(
                inventory=[
                    common_pb2.OfferLine(product=p, quantity=n, unit_price_cents=self._price(p))
                    for p, n in sorted(self._plant.held().items())
                ]
            )
            await call.write(manufacturer_pb2.ConnectRequest(hello=hello))
            first = await asyncio.wait_for(call.read(), WELCOME_TIMEOUT_S)
            if first is grpc.aio.EOF or first.WhichOneof("message") != "welcome":
                raise LinkLost("the central ended the stream before its welcome")
            self.connections += 1
            self.connected.set()
            logger.info(
                "connected to the central as %s (id %d)",
                first.welcome.name,
                first.welcome.manufacturer_id,
            )
            await self._serve(call)
        finally:
            self.connected.clear()
            call.cancel()

    async def _serve(self, call: Any) -> None:
        try:
            while (message := await call.read()) is not grpc.aio.EOF:
                await self._handle(call, message)
            logger.warning("the central ended the stream; reconnecting")
        except grpc.aio.AioRpcError as error:
            if error.code() not in RECONNECTABLE:
                raise
            logger.warning("link to the central lost (%s); reconnecting", error.code().name)

    async def _handle(self, call: Any, message: manufacturer_pb2.ConnectResponse) -> None:
        kind = message.WhichOneof("message")
        if kind == "offer_request":
            ask = message.offer_request
            await self._plant.work_until(ask.month)
            lines = self._plant.offer(ask.month)
            reply = manufacturer_pb2.OfferReply(
                request_id=ask.request_id,
                month=ask.month,
                lines=[
                    common_pb2.OfferLine(
                        product=line.product,
                        quantity=line.quantity,
                        unit_price_cents=line.unit_price_cents,
                    )
                    for line in lines
                ],
            )
            await call.write(manufacturer_pb2.ConnectRequest(offer=reply))
            offered = {line.product: line.quantity for line in lines}
            logger.info("month %d: offered %s", ask.month, offered or "nothing")
        elif kind == "notification":
            note = message.notification
            if not self._desk.apply(note.notification_id, notice(note)):
                logger.info("notification %d applied before; acknowledging again", note.notification_id)
            # Acknowledged only after it was applied: a crash in between means a replay, not a loss.
            await call.write(
                manufacturer_pb2.ConnectRequest(
                    ack=manufacturer_pb2.NotificationAck(notification_id=note.notification_id)
                )
            )

    def _price(self, product: str) -> int:
        line = self._plant.lines.get(product)
        return line.unit_price_cents if line else 0


def notice(note: manufacturer_pb2.Notification) -> Notice:
    """A Notification as the desk's plain value."""
    if note.WhichOneof("payload") == "depletion":
        d = note.depletion
        return DepletionNotice(d.month, d.stock_line_id, d.product, d.quantity_sold)
    r = note.month_report
    return ReportNotice(
        month=r.month,
        results=[
            Result(x.product, x.offered, x.sold, x.revenue_cents, x.unsold, x.unmet_demand) for x in r.results
        ],
        advice=[
            Advice(
                a.product, a.daily_demand_milli, a.recommended_quantity, PRIORITY_NAMES.get(a.priority, "C")
            )
            for a in r.recommendations
        ],
    )
