"""The one long-lived stream to the central, reconnected through the house backoff."""

from __future__ import annotations

import asyncio
import logging

import grpc

from distribution_client import (
    CentralService,
    Hello,
    LinkMessage,
    ManufacturerLink,
    Notification,
    NotificationAck,
    OfferLine,
    OfferReply,
    OfferRequest,
    OpenLink,
    Priority,
    StreamEnded,
    Welcome,
)
from distribution_client import Notice as NoticeRecord
from distribution_client import ReportNotice as ReportRecord
from manufacturer_node.desk import Desk, Notice, ReportNotice
from manufacturer_node.planning import Advice
from manufacturer_node.plant import Plant
from nodekit.reach import ReachNotice, is_unreachable
from nodekit.retry import Backoff

logger = logging.getLogger(__name__)

# The stream itself has no deadline (it lives as long as the process); this bounds the welcome.
WELCOME_TIMEOUT_S = 10.0
RECONNECTABLE = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED}
)


class LinkFailed(Exception):
    """The link cannot be kept up: the central refused it, or an outage outlasted the give-up time."""


def _reconnectable(error: BaseException) -> bool:
    if isinstance(error, grpc.aio.AioRpcError):
        return error.code() in RECONNECTABLE
    # A stream that ended without the central's status is worth reopening.
    return isinstance(error, StreamEnded | TimeoutError)


def _describe(error: BaseException) -> str:
    if isinstance(error, grpc.aio.AioRpcError):
        return f"{error.code().name}: {error.details()}"
    return str(error) or type(error).__name__


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
        self,
        channel: grpc.aio.Channel,
        key: str,
        plant: Plant,
        desk: Desk,
        give_up_s: float,
        notice: ReachNotice | None = None,
        name: str = "",
    ) -> None:
        # The name goes with the key: the central refuses a key presented under another name.
        self._link = ManufacturerLink(CentralService(channel), key, name)
        self._plant = plant
        self._desk = desk
        self._give_up_s = give_up_s
        self._notice = notice
        self.connected = asyncio.Event()
        self.connections = 0

    async def run(self) -> None:
        """Connects and reconnects; raises ``LinkFailed`` on a refusal or a too-long outage.

        Every reconnect waits for the backoff, also after a stream the central ended normally:
        a central that ends each stream at once (e.g. another process took over this key) is
        then met at a bounded rate instead of in a tight loop.
        """
        backoff = Backoff(give_up_s=self._give_up_s)
        while True:
            connections = self.connections
            unreachable = False
            try:
                await self._session(backoff)
                ended = "the central ended the stream"
            except (grpc.aio.AioRpcError, StreamEnded, TimeoutError) as error:
                if not _reconnectable(error):
                    raise LinkFailed(f"the central refused the link ({_describe(error)})") from error
                if backoff.exhausted():
                    raise LinkFailed(
                        f"central not reachable for {self._give_up_s:.0f}s ({_describe(error)})"
                    ) from error
                ended = f"link to the central lost ({_describe(error)})"
                unreachable = is_unreachable(error) and self.connections == connections
            wait = backoff.next_wait()
            if unreachable and self._notice is not None:
                # Not reached at all: one line every few seconds; each attempt in the debug log.
                self._notice.failed()
                logger.debug("%s; reconnecting in %.2fs", ended, wait)
            else:
                if self._notice is not None:
                    self._notice.reached()
                logger.warning("%s; reconnecting in %.2fs", ended, wait)
            await asyncio.sleep(wait)

    async def _session(self, backoff: Backoff) -> None:
        """One stream: returns when the central ends it after the welcome, raises otherwise."""
        link = self._link.open()
        try:
            await link.send(Hello())
            first = await asyncio.wait_for(link.receive(), WELCOME_TIMEOUT_S)
            if not isinstance(first, Welcome):
                raise StreamEnded("the central ended the stream before its welcome")
            self.connections += 1
            self.connected.set()
            backoff.connected()
            logger.info("connected to the central as %s (id %d)", first.name, first.manufacturer_id)
            while (message := await link.receive()) is not None:
                await self._handle(link, message)
        finally:
            self.connected.clear()
            link.cancel()

    async def _handle(self, link: OpenLink, message: LinkMessage) -> None:
        if isinstance(message, OfferRequest):
            await self._plant.work_until(message.month)
            lines = self._plant.offer(message.month)
            offer = tuple(OfferLine(line.product, line.quantity, line.unit_price_cents) for line in lines)
            await link.send(OfferReply(message.request_id, message.month, offer))
            offered = {line.product: line.quantity for line in lines}
            logger.info("month %d: offered %s", message.month, offered or "nothing")
        elif isinstance(message, Notification):
            if not self._desk.apply(message.notification_id, notice(message.notice)):
                logger.info("notification %d applied before; acknowledging again", message.notification_id)
            # Acknowledged only after it was applied: a crash in between means a replay, not a loss.
            await link.send(NotificationAck(message.notification_id))


def notice(record: NoticeRecord) -> Notice:
    """A notification's payload as the desk's plain value (the advice as the planner reads it)."""
    if not isinstance(record, ReportRecord):
        return record
    return ReportNotice(
        month=record.month,
        results=list(record.results),
        advice=[
            Advice(a.product, a.daily_demand_milli, a.recommended_quantity, _priority(a.priority))
            for a in record.advice
        ],
    )


def _priority(priority: Priority) -> str:
    # The planner scales by "A", "B" or "C"; an unknown priority plans as the lowest.
    return priority.value if priority in (Priority.A, Priority.B) else "C"
