"""The launcher's operator client of the central: the client package, waiting through deliberate outages."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

import grpc

from distribution_client import ConnectConfig, ManufacturerInfo, OpenedMonth, RemoteError, connect
from launcher.records.from_client import alert_figures, month_figures
from launcher.records.outage import Outage
from launcher.records.snapshots import BranchAlertFigures, BranchDay, MonthFigures
from nodekit.tls import TlsClientConfig

__all__ = ["POLL_INTERVAL_S", "OpenedMonth", "OperatorClient"]

T = TypeVar("T")

logger = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.2


# What a call cut by a dying central ends with: refused, or waited for until its deadline.
_OUTAGE_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class OperatorClient:
    """The operator's calls, on ``distribution_client`` (its deadlines and retries).

    While the launcher has the central down on purpose (``outage``), every call waits for it
    to be back, and a read cut by that outage is made again: that wait is the launcher's own.
    """

    def __init__(
        self, target: str, operator_key: str, outage: Outage | None = None, tls: TlsClientConfig | None = None
    ) -> None:
        self._client = connect(ConnectConfig(target, tls))
        self._operator = self._client.operator(operator_key)
        self._outage = outage or Outage()

    async def _read(self, call: Callable[[], Awaitable[T]]) -> T:
        while True:
            await self._outage.wait_over()
            seen = self._outage.count
            try:
                return await call()
            except RemoteError as error:
                if error.code not in _OUTAGE_CODES or not self._outage.since(seen):
                    raise
                logger.info("%s during a deliberate outage; calling again once it is over", error.code.name)

    async def close(self) -> None:
        """Closes the channel."""
        await self._client.close()

    async def manufacturers(self) -> list[ManufacturerInfo]:
        """Every configured manufacturer with its link state."""
        links = await self._read(lambda: self._operator.manufacturers(wait_for_ready=True))
        return list(links)

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
            return await self._operator.open_month(offer_deadline_ms, expected_shoppers, close_after_seconds)

    async def month_status(self, month: int) -> MonthFigures:
        """The month's status now."""
        return month_figures(await self._read(lambda: self._operator.month_status(month)))

    async def close_month(self, month: int) -> MonthFigures:
        """Closes the month as the operator (the launcher's own backstop)."""
        await self._outage.wait_over()
        with self._outage.writing():
            return month_figures(await self._operator.close_month(month))

    async def pause_month(self) -> MonthFigures:
        """Stops the current month's clock (the lecturer's pause)."""
        await self._outage.wait_over()
        return month_figures(await self._operator.pause_month())

    async def resume_month(self) -> MonthFigures:
        """Restarts the current month's clock."""
        await self._outage.wait_over()
        return month_figures(await self._operator.resume_month())

    async def branch_revenue(self) -> tuple[BranchDay, ...]:
        """Every branch's reported days; empty if the central has no report service."""
        try:
            days = await self._read(self._operator.branch_revenue)
        except RemoteError as error:
            # The figures are extra information; a missing service must not fail the run.
            logger.warning("GetBranchRevenue failed: %s", error.code.name)
            return ()
        return days

    async def low_stock_alerts(self) -> tuple[BranchAlertFigures, ...]:
        """The branches' open low-stock alerts, oldest first."""
        return alert_figures(await self._read(self._operator.low_stock_alerts))

    # -- read by the month driver for the report --
    async def low_stock_alert_figures(self) -> tuple[BranchAlertFigures, ...]:
        """Every branch's open low-stock alerts; empty when the call fails (the report only loses a line)."""
        try:
            alerts = await self._operator.low_stock_alerts()
        except RemoteError as error:
            logger.warning("ListLowStockAlerts failed: %s", error.code.name)
            return ()
        return alert_figures(alerts)
