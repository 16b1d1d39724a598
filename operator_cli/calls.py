"""The operator command on the client package: no retries, and each failure as one line for a person.

There are no retries here: the operator sees the failure at once and runs the command again
(OpenMonth and CloseMonth carry no idempotency key, so a blind retry could open two months).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import grpc

from distribution_client import (
    BranchAlert,
    BranchDay,
    CentralService,
    InventoryValue,
    ManufacturerInfo,
    MonthStatus,
    OpenedMonth,
    Operator,
    RemoteError,
    TopProduct,
)
from distribution_client.operator import LONGEST_OFFER_WAIT_S
from operator_cli.commands import OpenMonth

T = TypeVar("T")


class CallFailed(Exception):
    """A call that did not succeed; ``str()`` is the one line to show the operator."""


def describe(remote: RemoteError, address: str, timeout_s: float) -> str:
    """One readable line for a failed call: the status code's name and the server's message."""
    message = " ".join(remote.message.split())
    if remote.code is grpc.StatusCode.UNAVAILABLE and not remote.reason:
        # No ErrorInfo: the transport failed, not the central's domain.
        return f"cannot reach the central at {address} (UNAVAILABLE: {message})"
    if remote.code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return f"the central at {address} did not answer within {timeout_s:g} s (DEADLINE_EXCEEDED)"
    return f"{remote.code.name}: {message}" if message else remote.code.name


class AdminClient:
    """The operator's view of one central, over one channel with the operator key, each call once."""

    def __init__(self, channel: grpc.aio.Channel, address: str, key: str, timeout_s: float) -> None:
        self._operator = Operator(CentralService(channel, timeout_s, retry=False), key)
        self._address = address
        self._timeout_s = timeout_s

    async def _once(self, call: Awaitable[T], timeout_s: float = 0) -> T:
        try:
            return await call
        except RemoteError as error:
            raise CallFailed(describe(error, self._address, timeout_s or self._timeout_s)) from None

    async def open_month(self, command: OpenMonth) -> OpenedMonth:
        """Opens the next month; the deadline covers the wait for offers too."""
        offer_wait_s = command.offer_deadline_ms / 1000 if command.offer_deadline_ms else LONGEST_OFFER_WAIT_S
        return await self._once(
            self._operator.open_month(
                command.offer_deadline_ms, command.expected_shoppers, command.close_after_seconds
            ),
            self._timeout_s + offer_wait_s,
        )

    async def month_status(self, month: int = 0) -> MonthStatus:
        """A month (0: the current one)."""
        return await self._once(self._operator.month_status(month))

    async def close_month(self, month: int = 0) -> MonthStatus:
        """Closes ``month``; 0 closes the current one (looked up first, since the central wants a number)."""
        if month == 0:
            month = (await self.month_status()).month
        return await self._once(self._operator.close_month(month))

    async def pause_month(self, month: int = 0) -> MonthStatus:
        """Stops ``month``'s clock (0: the current one)."""
        return await self._once(self._operator.pause_month(month))

    async def resume_month(self, month: int = 0) -> MonthStatus:
        """Restarts ``month``'s clock (0: the current one)."""
        return await self._once(self._operator.resume_month(month))

    async def manufacturers(self) -> tuple[ManufacturerInfo, ...]:
        """The configured manufacturers and their links."""
        return await self._once(self._operator.manufacturers())

    async def branch_revenue(self, branch: str = "") -> tuple[BranchDay, ...]:
        """Revenue and loss per branch and day (one branch when named)."""
        return await self._once(self._operator.branch_revenue(branch))

    async def inventory_value(self) -> tuple[InventoryValue, ...]:
        """Each branch's inventory at cost."""
        return await self._once(self._operator.inventory_value())

    async def top_products(self, limit: int) -> tuple[TopProduct, ...]:
        """The best sellers across the branches."""
        return await self._once(self._operator.top_products(limit))

    async def low_stock(self) -> tuple[BranchAlert, ...]:
        """The open low-stock alerts, oldest first."""
        return await self._once(self._operator.low_stock_alerts())
