"""The month driver: open a month, follow it until it closes, collect what the report needs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from launcher.central_client import POLL_INTERVAL_S, OpenedMonth
from launcher.progress import LiveProgress
from launcher.snapshots import CLOSED, BranchDayFigures, MonthRecord, MonthSnapshot

logger = logging.getLogger(__name__)

OFFER_DEADLINE_MS = 2000
# The central closes a month at its backstop; if it has not after this much more,
# the launcher closes it as the operator rather than wait forever.
CLOSE_GRACE_S = 10.0
REPORTS_TIMEOUT_S = 10.0


class MonthControl(Protocol):
    """The operator calls the driver needs (CentralClient; a fake in tests)."""

    async def open_month(
        self, offer_deadline_ms: int, expected_shoppers: int, close_after_seconds: int
    ) -> OpenedMonth: ...

    async def month_status(self, month: int) -> MonthSnapshot: ...

    async def close_month(self, month: int) -> MonthSnapshot: ...

    async def wait_for_reports_delivered(self, timeout_s: float) -> bool: ...

    async def branch_revenue(self) -> tuple[BranchDayFigures, ...]: ...


@dataclass(frozen=True, slots=True)
class MonthPlan:
    """How every month is run.

    Attributes:
        month_seconds: The central's backstop: it closes the month after this long.
        expected_shoppers: Customers; the month closes when all of them are done.
        with_branches: Whether to fetch the branches' revenue after each month.
    """

    month_seconds: int
    expected_shoppers: int
    with_branches: bool


async def run_month(
    client: MonthControl,
    plan: MonthPlan,
    view: LiveProgress,
    clock: Callable[[], float] = time.monotonic,
    poll_interval_s: float = POLL_INTERVAL_S,
) -> MonthRecord:
    """Opens the next month, shows its progress until CLOSED, and returns its record."""
    started = clock()
    opened = await client.open_month(
        offer_deadline_ms=OFFER_DEADLINE_MS,
        expected_shoppers=plan.expected_shoppers,
        close_after_seconds=plan.month_seconds,
    )
    if opened.skipped_manufacturers:
        logger.warning("month %d: skipped %s", opened.month, ", ".join(opened.skipped_manufacturers))
    view.begin(backstop_s=plan.month_seconds, expected_shoppers=plan.expected_shoppers)
    trading_since = clock()
    closed_by_us = False
    while True:
        status = await client.month_status(opened.month)
        view.update(status, clock() - trading_since)
        if status.state == CLOSED:
            break
        if not closed_by_us and clock() - trading_since > plan.month_seconds + CLOSE_GRACE_S:
            logger.warning("month %d still %s past its backstop; closing it", opened.month, status.state)
            await client.close_month(opened.month)
            closed_by_us = True
            continue
        await asyncio.sleep(poll_interval_s)
    view.end()
    wall_seconds = clock() - started
    # Month reports reach the manufacturers as acknowledged notifications; waiting for
    # them keeps the next month's offers based on this month's report.
    delivered = await client.wait_for_reports_delivered(REPORTS_TIMEOUT_S)
    branch_days = await client.branch_revenue() if plan.with_branches else ()
    return MonthRecord(
        status=status,
        offered_manufacturers=opened.offered_manufacturers,
        wall_seconds=wall_seconds,
        reports_delivered=delivered,
        branch_days=branch_days,
    )
