"""MonthService: the operator's controls over months, offers and manufacturers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from central.api.convert import MONTH_STATES, month_status, stock_line
from central.domain.months import CloseReason
from central.service.month_pause import PauseDesk
from central.service.months import MonthDesk
from central.service.offers import OfferDesk, OfferLineInput
from generated.distribution.v1 import month_pb2, month_pb2_grpc
from nodekit.auth import Role
from nodekit.errors import denied
from nodekit.guard import principal

ManufacturerLister = Callable[[], Awaitable[list[month_pb2.ManufacturerInfo]]]


class MonthServicer(month_pb2_grpc.MonthServiceServicer):
    """Parses, calls one use case, answers."""

    def __init__(
        self,
        months: MonthDesk,
        offers: OfferDesk,
        list_manufacturers: ManufacturerLister,
        pauses: PauseDesk,
    ) -> None:
        self._months = months
        self._offers = offers
        self._list_manufacturers = list_manufacturers
        self._pauses = pauses

    async def OpenMonth(
        self, request: month_pb2.OpenMonthRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> month_pb2.OpenMonthResponse:
        opened = await self._months.open_month(
            request.offer_deadline_ms, request.expected_shoppers, request.close_after_seconds
        )
        return month_pb2.OpenMonthResponse(
            month=opened.month,
            state=MONTH_STATES[opened.state],
            offered_manufacturers=opened.offered,
            skipped_manufacturers=opened.skipped,
            stock_line_count=opened.stock_line_count,
        )

    async def CloseMonth(
        self, request: month_pb2.CloseMonthRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> month_pb2.CloseMonthResponse:
        status = await self._months.close_month(request.month, CloseReason.OPERATOR)
        return month_pb2.CloseMonthResponse(status=month_status(status))

    async def GetMonthStatus(
        self, request: month_pb2.GetMonthStatusRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> month_pb2.GetMonthStatusResponse:
        status = await self._months.status(request.month)
        return month_pb2.GetMonthStatusResponse(status=month_status(status))

    async def SubmitOffer(
        self, request: month_pb2.SubmitOfferRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> month_pb2.SubmitOfferResponse:
        caller = principal()
        if caller.role is Role.MANUFACTURER and request.manufacturer_name != caller.name:
            raise denied(
                "NOT_YOUR_OFFER",
                f"{caller.name} may only submit its own offers, not {request.manufacturer_name}'s.",
                manufacturer=request.manufacturer_name,
            )
        lines = [OfferLineInput(o.product, o.quantity, o.unit_price_cents) for o in request.lines]
        created = await self._offers.submit_offer(request.manufacturer_name.strip(), request.month, lines)
        return month_pb2.SubmitOfferResponse(stock_lines=[stock_line(line) for line in created])

    async def ListManufacturers(
        self, request: month_pb2.ListManufacturersRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> month_pb2.ListManufacturersResponse:
        return month_pb2.ListManufacturersResponse(manufacturers=await self._list_manufacturers())

    async def PauseMonth(
        self, request: month_pb2.PauseMonthRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> month_pb2.PauseMonthResponse:
        status = await self._pauses.pause(request.month)
        return month_pb2.PauseMonthResponse(status=month_status(status))

    async def ResumeMonth(
        self, request: month_pb2.ResumeMonthRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> month_pb2.ResumeMonthResponse:
        status = await self._pauses.resume(request.month)
        return month_pb2.ResumeMonthResponse(status=month_status(status))
