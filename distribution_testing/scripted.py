"""Scripted nodes on the client package: a manufacturer offering what a test says, a branch streaming sales.

Both keep what the central sent them (notices, acknowledgements) so a test asserts on it,
and wait for it with a bounded poll.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import grpc

from distribution_client import Branch, ManufacturerLink, Notice, OfferLine, Sale, SaleItem
from distribution_client.branch import SalesCall
from distribution_client.link import LinkCall
from distribution_testing.polling import TIMEOUT, until
from generated.distribution.v1 import branch_pb2, manufacturer_pb2


class ScriptedManufacturer:
    """Answers every offer request with ``lines`` and acknowledges (and keeps) every notice.

    Args:
        link: The manufacturer's authorised link (``CentralClient.manufacturer_link``).
        lines: What it offers each month (change it with ``offer``).
    """

    def __init__(self, link: ManufacturerLink, lines: Iterable[OfferLine] = ()) -> None:
        self._link = link
        self.lines = tuple(lines)
        self.notices: list[Notice] = []
        self.offer_requests: list[int] = []
        self.welcome: manufacturer_pb2.Welcome | None = None
        self._call: LinkCall | None = None
        self._reader: asyncio.Task[None] | None = None

    def offer(self, lines: dict[str, tuple[int, int]]) -> None:
        """What it offers from now on: product -> (quantity, unit price in cents)."""
        self.lines = tuple(OfferLine(p, q, c) for p, (q, c) in lines.items())

    async def connect(self, timeout_s: float = TIMEOUT) -> None:
        """Opens the link and waits for the central's welcome."""
        self._call = self._link.connect()
        await self._call.write(self._link.hello())
        first = await asyncio.wait_for(self._call.read(), timeout_s)
        if not isinstance(first, manufacturer_pb2.ConnectResponse) or not first.HasField("welcome"):
            raise AssertionError(f"the central did not welcome the manufacturer: {first!r}")
        self.welcome = first.welcome
        self._reader = asyncio.create_task(self._serve(self._call))

    async def _serve(self, call: LinkCall) -> None:
        with contextlib.suppress(grpc.aio.AioRpcError, asyncio.CancelledError):
            while isinstance(message := await call.read(), manufacturer_pb2.ConnectResponse):
                if message.HasField("offer_request"):
                    ask = message.offer_request
                    self.offer_requests.append(ask.month)
                    await call.write(self._link.offer(ask.request_id, ask.month, self.lines))
                elif message.HasField("notification"):
                    self.notices.append(self._link.notice(message.notification))
                    await call.write(self._link.ack(message.notification.notification_id))

    async def wait_for_notice(
        self, matches: Callable[[Notice], bool], timeout_s: float = TIMEOUT, what: str = "a notice"
    ) -> Notice:
        """The first notice kept that ``matches``, waiting at most ``timeout_s`` for it."""

        async def arrived() -> bool:
            return any(matches(notice) for notice in self.notices)

        await until(arrived, timeout_s, what, interval_s=0.02)
        return next(notice for notice in self.notices if matches(notice))

    async def close(self) -> None:
        """Ends the link (the central sees the manufacturer go)."""
        if self._call is not None:
            self._call.cancel()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)


def sale(
    sequence: int,
    items: dict[str, tuple[int, int]],
    transaction_id: str = "",
    business_day: str = "2025-05-06",
    tax_percent: int = 13,
) -> Sale:
    """A cash sale: product -> (quantity, unit price in cents); the transaction id from the sequence."""
    subtotal = sum(quantity * price for quantity, price in items.values())
    tax = subtotal * tax_percent // 100
    return Sale(
        transaction_id=transaction_id or f"sale-{sequence}",
        sequence=sequence,
        occurred_at=datetime.now(UTC),
        business_day=business_day,
        items=tuple(SaleItem(p, q, c) for p, (q, c) in items.items()),
        subtotal_cents=subtotal,
        tax_cents=tax,
        total_cents=subtotal + tax,
        payment_method="cash",
        customer_name="",
    )


class ScriptedBranch:
    """Streams the sales a test chooses and keeps every acknowledgement the central sends.

    Args:
        branch: The branch's authorised caller (``CentralClient.branch``).
    """

    def __init__(self, branch: Branch) -> None:
        self._branch = branch
        self.resume_from: int | None = None
        self.acks: list[branch_pb2.SaleAck] = []
        self._call: SalesCall | None = None
        self._reader: asyncio.Task[None] | None = None

    @property
    def acknowledged(self) -> set[str]:
        """Transaction ids the central acknowledged."""
        return {ack.transaction_id for ack in self.acks}

    async def open(self, timeout_s: float = TIMEOUT) -> int:
        """Opens the stream; returns the last sequence the central holds (where to resume)."""
        self._call = self._branch.stream_sales()
        first = await asyncio.wait_for(self._call.read(), timeout_s)
        if not isinstance(first, branch_pb2.StreamSalesResponse) or not first.HasField("resume"):
            raise AssertionError(f"the central did not answer the sales stream with a resume: {first!r}")
        self.resume_from = first.resume.last_sequence
        self._reader = asyncio.create_task(self._read(self._call))
        return self.resume_from

    async def _read(self, call: SalesCall) -> None:
        with contextlib.suppress(grpc.aio.AioRpcError, asyncio.CancelledError):
            while isinstance(message := await call.read(), branch_pb2.StreamSalesResponse):
                self.acks.extend(message.acks.acks)

    async def send(self, *sales: Sale, timeout_s: float = TIMEOUT) -> None:
        """Streams ``sales`` and waits until the central acknowledged each of them (in order)."""
        if self._call is None:
            await self.open(timeout_s)
        assert self._call is not None
        before = len(self.acks)
        for one in sales:
            await self._call.write(self._branch.sale_message(one))
        wanted = [one.transaction_id for one in sales]

        async def all_acked() -> bool:
            # Each sale sent is answered once, a resent one too (as a duplicate).
            return [ack.transaction_id for ack in self.acks[before:]] == wanted

        await until(all_acked, timeout_s, f"acks of {wanted}", interval_s=0.02)

    async def close(self) -> None:
        """Ends the stream."""
        if self._call is not None:
            self._call.cancel()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
