"""The operator's calls to the central: each with a deadline, each answer as plain values.

There are no retries here: the operator sees the failure at once and runs the command again
(OpenMonth and CloseMonth carry no idempotency key, so a blind retry could open two months).
"""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf.message import Message

from central.admin import convert
from central.admin.commands import OpenMonth
from central.admin.model import (
    AlertRow,
    BranchDayRow,
    InventoryRow,
    ManufacturerRow,
    MonthReport,
    OpenedMonth,
    TopProductRow,
)
from generated.distribution.v1 import month_pb2, month_pb2_grpc, report_pb2, report_pb2_grpc
from nodekit.auth import bearer_metadata
from nodekit.status import from_rpc_error

# The longest offer wait the central accepts; OpenMonth may take that long when the wait is left to it.
LONGEST_OFFER_WAIT_S = 60.0


class CallFailed(Exception):
    """A call that did not succeed; ``str()`` is the one line to show the operator."""


def describe(error: grpc.RpcError, address: str, timeout_s: float) -> str:
    """One readable line for a failed call: the status code's name and the server's message."""
    remote = from_rpc_error(error)
    message = " ".join(remote.message.split())
    if remote.code is grpc.StatusCode.UNAVAILABLE and not remote.reason:
        # No ErrorInfo: the transport failed, not the central's domain.
        return f"cannot reach the central at {address} (UNAVAILABLE: {message})"
    if remote.code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return f"the central at {address} did not answer within {timeout_s:g} s (DEADLINE_EXCEEDED)"
    return f"{remote.code.name}: {message}" if message else remote.code.name


class AdminClient:
    """The operator's view of one central, over one channel with the operator key."""

    def __init__(self, channel: grpc.aio.Channel, address: str, key: str, timeout_s: float) -> None:
        self._months = month_pb2_grpc.MonthServiceStub(channel)
        self._reports = report_pb2_grpc.ReportServiceStub(channel)
        self._address = address
        self._metadata = bearer_metadata(key)
        self._timeout_s = timeout_s

    async def _unary(self, method: Any, request: Message, timeout_s: float = 0) -> Any:
        """Calls ``method`` (a stub's, untyped as grpcio ships no types) with the key and a deadline."""
        wait = timeout_s or self._timeout_s
        try:
            return await method(request, metadata=self._metadata, timeout=wait)
        except grpc.RpcError as error:
            raise CallFailed(describe(error, self._address, wait)) from None

    async def open_month(self, command: OpenMonth) -> OpenedMonth:
        """Opens the next month; the deadline covers the wait for offers too."""
        offer_wait_s = command.offer_deadline_ms / 1000 if command.offer_deadline_ms else LONGEST_OFFER_WAIT_S
        request = month_pb2.OpenMonthRequest(
            offer_deadline_ms=command.offer_deadline_ms,
            expected_shoppers=command.expected_shoppers,
            close_after_seconds=command.close_after_seconds,
        )
        reply: month_pb2.OpenMonthResponse = await self._unary(
            self._months.OpenMonth, request, self._timeout_s + offer_wait_s
        )
        return convert.opened_month(reply)

    async def month_status(self, month: int = 0) -> MonthReport:
        """A month (0: the current one)."""
        request = month_pb2.GetMonthStatusRequest(month=month)
        reply: month_pb2.GetMonthStatusResponse = await self._unary(self._months.GetMonthStatus, request)
        return convert.month_report(reply.status)

    async def close_month(self, month: int = 0) -> MonthReport:
        """Closes ``month``; 0 closes the current one (looked up first, since the central wants a number)."""
        if month == 0:
            month = (await self.month_status()).month
        request = month_pb2.CloseMonthRequest(month=month)
        reply: month_pb2.CloseMonthResponse = await self._unary(self._months.CloseMonth, request)
        return convert.month_report(reply.status)

    async def pause_month(self, month: int = 0) -> MonthReport:
        """Stops ``month``'s clock (0: the current one)."""
        request = month_pb2.PauseMonthRequest(month=month)
        reply: month_pb2.PauseMonthResponse = await self._unary(self._months.PauseMonth, request)
        return convert.month_report(reply.status)

    async def resume_month(self, month: int = 0) -> MonthReport:
        """Restarts ``month``'s clock (0: the current one)."""
        request = month_pb2.ResumeMonthRequest(month=month)
        reply: month_pb2.ResumeMonthResponse = await self._unary(self._months.ResumeMonth, request)
        return convert.month_report(reply.status)

    async def manufacturers(self) -> list[ManufacturerRow]:
        """The configured manufacturers and their links."""
        reply = await self._unary(self._months.ListManufacturers, month_pb2.ListManufacturersRequest())
        return convert.manufacturers(reply)

    async def branch_revenue(self, branch: str = "") -> list[BranchDayRow]:
        """Revenue and loss per branch and day (one branch when named)."""
        request = report_pb2.GetBranchRevenueRequest(branch_name=branch)
        return convert.branch_days(await self._unary(self._reports.GetBranchRevenue, request))

    async def inventory_value(self) -> list[InventoryRow]:
        """Each branch's inventory at cost."""
        request = report_pb2.GetInventoryValueRequest()
        return convert.inventory(await self._unary(self._reports.GetInventoryValue, request))

    async def top_products(self, limit: int) -> list[TopProductRow]:
        """The best sellers across the branches."""
        request = report_pb2.ListTopProductsRequest(limit=limit)
        return convert.top_products(await self._unary(self._reports.ListTopProducts, request))

    async def low_stock(self) -> list[AlertRow]:
        """The open low-stock alerts, oldest first."""
        request = report_pb2.ListLowStockAlertsRequest()
        return convert.alerts(await self._unary(self._reports.ListLowStockAlerts, request))
