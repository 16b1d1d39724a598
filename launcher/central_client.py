"""The launcher's operator client of the central: deadlines and the operator token on every call."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC
from typing import TypeVar

import grpc

from generated.distribution.v1 import month_pb2, month_pb2_grpc, report_pb2, report_pb2_grpc
from launcher.from_proto import alerts_from_proto, branch_days_from_proto, snapshot_from_proto, state_name
from launcher.outage import Outage
from launcher.snapshots import BranchAlertFigures, BranchDayFigures, MonthSnapshot
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.retry import call_with_retry
from nodekit.tls import TlsClientConfig

T = TypeVar("T")

logger = logging.getLogger(__name__)

READ_TIMEOUT_S = 2.0
WRITE_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.2


@dataclass(frozen=True, slots=True)
class OpenedMonth:
    """What OpenMonth answered."""

    month: int
    state: str
    offered_manufacturers: tuple[str, ...]
    skipped_manufacturers: tuple[str, ...]
    stock_line_count: int


@dataclass(frozen=True, slots=True)
class LinkState:
    """A manufacturer's link as the central sees it."""

    name: str
    connected: bool
    pending_notifications: int


@dataclass(frozen=True, slots=True)
class AlertState:
    """An open low-stock alert of a branch, as the central last heard it."""

    branch_name: str
    product: str
    quantity: int
    reorder_point: int
    raised_at: str


# What a call cut by a dying central ends with: refused, or waited for until its deadline.
_OUTAGE_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class CentralClient:
    """MonthService and ReportService calls as the operator.

    Reads are retried on UNAVAILABLE by the one shared policy; OpenMonth and
    CloseMonth carry no idempotency key, so they are never retried. While the
    launcher has the central down on purpose (``outage``), every call waits for it
    to be back, and a read cut by that outage is made again.
    """

    def __init__(
        self, target: str, operator_key: str, outage: Outage | None = None, tls: TlsClientConfig | None = None
    ) -> None:
        self._channel = open_channel(target, tls)
        self._months = month_pb2_grpc.MonthServiceStub(self._channel)
        self._reports = report_pb2_grpc.ReportServiceStub(self._channel)
        self._metadata = bearer_metadata(operator_key)
        self._outage = outage or Outage()

    async def _read(self, call: Callable[[], Awaitable[T]]) -> T:
        while True:
            await self._outage.wait_over()
            seen = self._outage.count
            try:
                return await call_with_retry(call)
            except grpc.aio.AioRpcError as error:
                if error.code() not in _OUTAGE_CODES or not self._outage.since(seen):
                    raise
                logger.info("%s during a deliberate outage; calling again once it is over", error.code().name)

    async def close(self) -> None:
        """Closes the channel."""
        await self._channel.close()

    async def manufacturers(self) -> list[LinkState]:
        """Every configured manufacturer with its link state."""
        reply = await self._read(
            lambda: self._months.ListManufacturers(
                month_pb2.ListManufacturersRequest(),
                metadata=self._metadata,
                timeout=READ_TIMEOUT_S,
                wait_for_ready=True,
            )
        )
        return [LinkState(m.name, m.connected, m.pending_notifications) for m in reply.manufacturers]

    async def wait_for_manufacturers(self, names: Collection[str], timeout_s: float) -> None:
        """Polls until every named manufacturer is connected.

        Raises:
            TimeoutError: naming the manufacturers still missing after ``timeout_s``.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            connected = {m.name for m in await self.manufacturers() if m.connected}
            missing = sorted(set(names) - connected)
            if not missing:
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"manufacturers not connected after {timeout_s:.0f}s: {', '.join(missing)}"
                )
            await asyncio.sleep(POLL_INTERVAL_S)

    async def wait_for_reports_delivered(self, timeout_s: float) -> bool:
        """Polls until no manufacturer has unacknowledged notifications.

        The month report is one of them, so True means every manufacturer has its report;
        False if some are still pending after ``timeout_s``.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            pending = {m.name: m.pending_notifications for m in await self.manufacturers()}
            if not any(pending.values()):
                return True
            if time.monotonic() >= deadline:
                logger.warning("notifications still pending after %.0fs: %s", timeout_s, pending)
                return False
            await asyncio.sleep(POLL_INTERVAL_S)

    async def open_month(
        self, offer_deadline_ms: int, expected_shoppers: int, close_after_seconds: int
    ) -> OpenedMonth:
        """Opens the next month; the call lasts about as long as the offer collection."""
        await self._outage.wait_over()
        with self._outage.writing():
            reply = await self._months.OpenMonth(
                month_pb2.OpenMonthRequest(
                    offer_deadline_ms=offer_deadline_ms,
                    expected_shoppers=expected_shoppers,
                    close_after_seconds=close_after_seconds,
                ),
                metadata=self._metadata,
                timeout=WRITE_TIMEOUT_S + offer_deadline_ms / 1000,
            )
        return OpenedMonth(
            month=reply.month,
            state=state_name(reply.state),
            offered_manufacturers=tuple(reply.offered_manufacturers),
            skipped_manufacturers=tuple(reply.skipped_manufacturers),
            stock_line_count=reply.stock_line_count,
        )

    async def month_status(self, month: int) -> MonthSnapshot:
        """The month's status now."""
        reply = await self._read(
            lambda: self._months.GetMonthStatus(
                month_pb2.GetMonthStatusRequest(month=month),
                metadata=self._metadata,
                timeout=READ_TIMEOUT_S,
            )
        )
        return snapshot_from_proto(reply.status)

    async def close_month(self, month: int) -> MonthSnapshot:
        """Closes the month as the operator (the launcher's own backstop)."""
        await self._outage.wait_over()
        with self._outage.writing():
            reply = await self._months.CloseMonth(
                month_pb2.CloseMonthRequest(month=month),
                metadata=self._metadata,
                timeout=WRITE_TIMEOUT_S,
            )
        return snapshot_from_proto(reply.status)

    async def pause_month(self) -> MonthSnapshot:
        """Stops the current month's clock (the lecturer's pause); not retried, like every write here."""
        await self._outage.wait_over()
        reply = await self._months.PauseMonth(
            month_pb2.PauseMonthRequest(), metadata=self._metadata, timeout=WRITE_TIMEOUT_S
        )
        return snapshot_from_proto(reply.status)

    async def resume_month(self) -> MonthSnapshot:
        """Restarts the current month's clock."""
        await self._outage.wait_over()
        reply = await self._months.ResumeMonth(
            month_pb2.ResumeMonthRequest(), metadata=self._metadata, timeout=WRITE_TIMEOUT_S
        )
        return snapshot_from_proto(reply.status)

    async def branch_revenue(self) -> tuple[BranchDayFigures, ...]:
        """Every branch's reported days; empty if the central has no report service."""
        try:
            reply = await self._read(
                lambda: self._reports.GetBranchRevenue(
                    report_pb2.GetBranchRevenueRequest(),
                    metadata=self._metadata,
                    timeout=READ_TIMEOUT_S,
                )
            )
        except grpc.aio.AioRpcError as error:
            # The figures are extra information; a missing service must not fail the run.
            logger.warning("GetBranchRevenue failed: %s", error.code().name)
            return ()
        return branch_days_from_proto(reply.days)

    async def low_stock_alerts(self) -> tuple[AlertState, ...]:
        """The branches' open low-stock alerts, oldest first."""
        reply = await self._read(
            lambda: self._reports.ListLowStockAlerts(
                report_pb2.ListLowStockAlertsRequest(),
                metadata=self._metadata,
                timeout=READ_TIMEOUT_S,
            )
        )
        return tuple(
            AlertState(
                branch_name=a.branch_name,
                product=a.alert.product,
                quantity=a.alert.quantity,
                reorder_point=a.alert.reorder_point,
                raised_at=a.alert.raised_at.ToDatetime(tzinfo=UTC).isoformat()
                if a.alert.HasField("raised_at")
                else "",
            )
            for a in reply.alerts
        )

    # -- read by the month driver for the report --
    async def low_stock_alert_figures(self) -> tuple[BranchAlertFigures, ...]:
        """Every branch's open low-stock alerts; empty when the call fails (the report only loses a line)."""
        try:
            reply = await call_with_retry(
                lambda: self._reports.ListLowStockAlerts(
                    report_pb2.ListLowStockAlertsRequest(),
                    metadata=self._metadata,
                    timeout=READ_TIMEOUT_S,
                )
            )
        except grpc.aio.AioRpcError as error:
            logger.warning("ListLowStockAlerts failed: %s", error.code().name)
            return ()
        return alerts_from_proto(reply.alerts)
