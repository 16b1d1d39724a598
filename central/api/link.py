"""ManufacturerLinkService: the manufacturer's stream, and the operator's list of manufacturers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import grpc

from central.api.convert import recommendation
from central.api.month import ManufacturerLister
from central.domain.notices import DepletionNotice, MonthReportNotice
from central.link import LinkRegistry
from central.link.messages import OfferAsk, OutboxItem, Outgoing
from central.link.session import LinkSession
from central.service.offers import OfferLineInput
from generated.distribution.v1 import common_pb2, manufacturer_pb2, manufacturer_pb2_grpc, month_pb2
from nodekit.errors import DomainError, invalid
from nodekit.guard import principal
from nodekit.logs import one_line
from nodekit.timestamps import to_timestamp

logger = logging.getLogger(__name__)

# A stream that does not say Hello promptly is not a manufacturer link.
HELLO_TIMEOUT_S = 10.0


class ManufacturerLinkServicer(manufacturer_pb2_grpc.ManufacturerLinkServiceServicer):
    """Parses stream messages, hands them to the registry, sends what the session queues."""

    def __init__(self, registry: LinkRegistry) -> None:
        self._registry = registry

    async def Connect(
        self,
        request_iterator: AsyncIterator[manufacturer_pb2.ConnectRequest],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> AsyncIterator[manufacturer_pb2.ConnectResponse]:
        caller = principal()
        try:
            first = await asyncio.wait_for(anext(request_iterator, None), HELLO_TIMEOUT_S)
        except TimeoutError:
            first = None
        if first is None or first.WhichOneof("message") != "hello":
            raise invalid("HELLO_FIRST", "A manufacturer stream must begin with Hello.")
        logger.info("%s says hello", caller.name)
        session = self._registry.attach(int(caller.subject_id), caller.name)
        reader = asyncio.create_task(self._read(request_iterator, session))
        try:
            yield manufacturer_pb2.ConnectResponse(
                welcome=manufacturer_pb2.Welcome(manufacturer_id=session.manufacturer_id, name=session.name)
            )
            while (item := await session.next()) is not None:
                yield outgoing(item)
        finally:
            reader.cancel()
            self._registry.detach(session)

    async def _read(
        self, requests: AsyncIterator[manufacturer_pb2.ConnectRequest], session: LinkSession
    ) -> None:
        try:
            async for request in requests:
                kind = request.WhichOneof("message")
                if kind == "offer":
                    offer = request.offer
                    lines = [
                        OfferLineInput(line.product, line.quantity, line.unit_price_cents)
                        for line in offer.lines
                    ]
                    self._registry.offer_received(session, offer.request_id, offer.month, lines)
                elif kind == "ack":
                    await self._registry.acknowledged(session, request.ack.notification_id)
                else:
                    self._registry.seen(session)
        except asyncio.CancelledError:
            raise
        except DomainError as error:
            # Bad input from the manufacturer (e.g. undecodable bytes): one line, and the link ends.
            logger.info("stream of %s refused bad input: %s: %s", session.name, error.reason, error.message)
        except Exception as error:
            # The stream broke from the manufacturer's side (one line: it happens at every hang-up).
            logger.info("stream of %s ended: %s", session.name, one_line(error))
        finally:
            # Ending the outgoing side ends the RPC once the manufacturer has hung up.
            with contextlib.suppress(Exception):
                self._registry.detach(session)


def outgoing(item: Outgoing) -> manufacturer_pb2.ConnectResponse:
    """The stream message for an offer request or a notification."""
    if isinstance(item, OfferAsk):
        return manufacturer_pb2.ConnectResponse(
            offer_request=manufacturer_pb2.OfferRequest(
                request_id=item.request_id, month=item.month, deadline_ms=item.deadline_ms
            )
        )
    return manufacturer_pb2.ConnectResponse(notification=notification(item))


def notification(item: OutboxItem) -> manufacturer_pb2.Notification:
    """An outbox notification as a Notification."""
    notice = item.notice
    if isinstance(notice, DepletionNotice):
        return manufacturer_pb2.Notification(
            notification_id=item.notification_id,
            depletion=manufacturer_pb2.Depletion(
                month=notice.month,
                stock_line_id=notice.stock_line_id,
                product=notice.product,
                quantity_sold=notice.quantity_sold,
            ),
        )
    return manufacturer_pb2.Notification(
        notification_id=item.notification_id, month_report=month_report(notice)
    )


def month_report(notice: MonthReportNotice) -> common_pb2.MonthReport:
    """A month report notice as a MonthReport."""
    return common_pb2.MonthReport(
        month=notice.month,
        results=[
            common_pb2.ProductResult(
                product=r.product,
                offered=r.offered,
                sold=r.sold,
                revenue_cents=r.revenue_cents,
                unsold=r.unsold,
                unmet_demand=r.unmet_demand,
            )
            for r in notice.results
        ],
        recommendations=[recommendation(r) for r in notice.recommendations],
        closed_at=to_timestamp(notice.closed_at),
    )


def manufacturer_lister(registry: LinkRegistry) -> ManufacturerLister:
    """The MonthServicer's ``list_manufacturers``: the registry's view as ManufacturerInfo."""

    async def list_manufacturers() -> list[month_pb2.ManufacturerInfo]:
        return [
            month_pb2.ManufacturerInfo(
                manufacturer_id=link.manufacturer_id,
                name=link.name,
                connected=link.connected,
                last_seen_at=to_timestamp(link.last_seen_at),
                pending_notifications=link.pending_notifications,
            )
            for link in await registry.links()
        ]

    return list_manufacturers
