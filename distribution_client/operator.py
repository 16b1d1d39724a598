"""The calls an operator makes: drive the month and read the chain's reports."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable

from distribution_client.convert import from_proto, from_proto_branch, to_proto
from distribution_client.policy import policy_of
from distribution_client.records import (
    BranchAlert,
    BranchDay,
    InventoryValue,
    ManufacturerInfo,
    MonthStatus,
    OfferLine,
    OpenedMonth,
    StockLine,
    StockUpdate,
    TopProduct,
)
from distribution_client.service import CentralService
from generated.distribution.v1 import catalog_pb2, month_pb2, report_pb2
from nodekit.auth import bearer_metadata

__all__ = ["LONGEST_OFFER_WAIT_S", "Operator"]

# The longest offer wait the central accepts; OpenMonth may take that long when the wait is left to it.
LONGEST_OFFER_WAIT_S = 60.0


class Operator:
    """The operator's calls, with the operator key.

    The month's transitions carry no idempotency key and are made once (a blind repeat could
    open two months); the reads are made again on UNAVAILABLE. ``month=0`` means the current month.
    """

    def __init__(self, service: CentralService, key: str) -> None:
        self._service = service
        self._metadata = bearer_metadata(key)

    async def open_month(
        self, offer_deadline_ms: int = 0, expected_shoppers: int = 0, close_after_seconds: int = 0
    ) -> OpenedMonth:
        """Opens the next month; the call's deadline covers the wait for offers too."""
        offer_wait_s = offer_deadline_ms / 1000 if offer_deadline_ms else LONGEST_OFFER_WAIT_S
        rpc = self._service.months.OpenMonth
        base_s = self._service.timeout_s or policy_of(self._service.method_name(rpc)).deadline_s or 0.0
        request = month_pb2.OpenMonthRequest(
            offer_deadline_ms=offer_deadline_ms,
            expected_shoppers=expected_shoppers,
            close_after_seconds=close_after_seconds,
        )
        reply = await self._service.call(rpc, request, self._metadata, timeout_s=base_s + offer_wait_s)
        return from_proto.opened_month(reply)

    async def submit_offer(
        self, manufacturer_name: str, month: int, lines: Iterable[OfferLine]
    ) -> tuple[StockLine, ...]:
        """Offers goods for a collecting month on a manufacturer's behalf (one attempt: no key)."""
        request = month_pb2.SubmitOfferRequest(
            manufacturer_name=manufacturer_name, month=month, lines=to_proto.offer_lines(lines)
        )
        reply = await self._service.call(self._service.months.SubmitOffer, request, self._metadata)
        return tuple(from_proto.stock_line(line, month) for line in reply.stock_lines)

    async def month_status(self, month: int = 0, *, wait_for_ready: bool | None = None) -> MonthStatus:
        """A month's status now."""
        request = month_pb2.GetMonthStatusRequest(month=month)
        reply = await self._service.call(
            self._service.months.GetMonthStatus, request, self._metadata, wait_for_ready=wait_for_ready
        )
        return from_proto.month_status(reply.status)

    async def watch_catalog(self, timeout_s: float | None = None) -> AsyncGenerator[StockUpdate, None]:
        """The catalog stream with each line's counters: a snapshot, then changes (None: no end).

        Waits for a central still starting; not resumed here (a new watch starts with a snapshot).

        Raises:
            grpc.aio.AioRpcError: When the stream fails (the caller's reconnect loop reads it).
        """
        call = self._service.catalog.WatchCatalog(
            catalog_pb2.WatchCatalogRequest(), timeout=timeout_s, metadata=self._metadata, wait_for_ready=True
        )
        try:
            async for message in call:
                yield from_proto.stock_update(message)
        finally:
            call.cancel()

    async def close_month(self, month: int) -> MonthStatus:
        """Closes ``month`` (the central wants its number)."""
        request = month_pb2.CloseMonthRequest(month=month)
        reply = await self._service.call(self._service.months.CloseMonth, request, self._metadata)
        return from_proto.month_status(reply.status)

    async def pause_month(self, month: int = 0) -> MonthStatus:
        """Stops the month's clock."""
        request = month_pb2.PauseMonthRequest(month=month)
        reply = await self._service.call(self._service.months.PauseMonth, request, self._metadata)
        return from_proto.month_status(reply.status)

    async def resume_month(self, month: int = 0) -> MonthStatus:
        """Restarts the month's clock."""
        request = month_pb2.ResumeMonthRequest(month=month)
        reply = await self._service.call(self._service.months.ResumeMonth, request, self._metadata)
        return from_proto.month_status(reply.status)

    async def manufacturers(self, *, wait_for_ready: bool | None = None) -> tuple[ManufacturerInfo, ...]:
        """Every configured manufacturer and its link, by name."""
        reply = await self._service.call(
            self._service.months.ListManufacturers,
            month_pb2.ListManufacturersRequest(),
            self._metadata,
            wait_for_ready=wait_for_ready,
        )
        return tuple(from_proto.manufacturer_info(info) for info in reply.manufacturers)

    async def branch_revenue(self, branch: str = "") -> tuple[BranchDay, ...]:
        """Revenue and loss per branch and day (one branch when named)."""
        request = report_pb2.GetBranchRevenueRequest(branch_name=branch)
        reply = await self._service.call(self._service.reports.GetBranchRevenue, request, self._metadata)
        return from_proto_branch.branch_days(reply.days)

    async def inventory_value(self) -> tuple[InventoryValue, ...]:
        """Each branch's inventory at cost."""
        request = report_pb2.GetInventoryValueRequest()
        reply = await self._service.call(self._service.reports.GetInventoryValue, request, self._metadata)
        return from_proto_branch.inventory_values(reply.branches)

    async def top_products(self, limit: int = 10) -> tuple[TopProduct, ...]:
        """The best sellers across the branches."""
        request = report_pb2.ListTopProductsRequest(limit=limit)
        reply = await self._service.call(self._service.reports.ListTopProducts, request, self._metadata)
        return from_proto_branch.top_products(reply.products)

    async def low_stock_alerts(self) -> tuple[BranchAlert, ...]:
        """The branches' open low-stock alerts, oldest first."""
        request = report_pb2.ListLowStockAlertsRequest()
        reply = await self._service.call(self._service.reports.ListLowStockAlerts, request, self._metadata)
        return from_proto_branch.branch_alerts(reply.alerts)
