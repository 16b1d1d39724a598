"""The month driver: open a month, follow it until it closes, collect what the report needs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from distribution_client import ManufacturerInfo
from launcher.months.central_client import POLL_INTERVAL_S, OpenedMonth
from launcher.months.progress import LiveProgress
from launcher.months.watch import MonthWatch
from launcher.records.snapshots import (
    BranchAlertFigures,
    BranchDay,
    MonthFigures,
    MonthPhase,
    MonthRecord,
)

logger = logging.getLogger(__name__)

OFFER_DEADLINE_MS = 2000
# The central closes a month at its length; if it has not after this much more,
# the launcher closes it as the operator rather than wait forever.
CLOSE_GRACE_S = 10.0
REPORTS_TIMEOUT_S = 10.0
# Open low-stock alerts change slowly; reading them once a second is enough for the report.
ALERTS_EVERY_S = 1.0


class OperatorCalls(Protocol):
    """The operator calls the driver needs (OperatorClient; a fake in tests)."""

    async def open_month(
        self, offer_deadline_ms: int, expected_shoppers: int, close_after_seconds: int
    ) -> OpenedMonth: ...

    async def month_status(self, month: int) -> MonthFigures: ...

    async def close_month(self, month: int) -> MonthFigures: ...

    async def wait_for_reports_delivered(self, timeout_s: float) -> bool: ...

    async def branch_revenue(self) -> tuple[BranchDay, ...]: ...

    async def manufacturers(self) -> list[ManufacturerInfo]: ...

    async def low_stock_alert_figures(self) -> tuple[BranchAlertFigures, ...]: ...


@dataclass(frozen=True, slots=True)
class MonthPlan:
    """How every month is run.

    The central is asked to close the month after ``month_seconds`` (or once every line is sold
    out, which it does by itself), never when the shoppers are done: OpenMonth gets
    ``expected_shoppers = 0``. Shoppers still call FinishShopping after their last basket, so the
    month's status counts them, but a month keeps its length however fast they are.

    Attributes:
        month_seconds: The month's real length; the central closes it then.
        expected_shoppers: Simulated customers taking part (shown, not a reason to close).
        with_branches: Whether to read the branches' alerts and revenue.
    """

    month_seconds: int
    expected_shoppers: int
    with_branches: bool


def _now() -> datetime:
    return datetime.now(UTC)


async def run_month(
    client: OperatorCalls,
    plan: MonthPlan,
    view: LiveProgress,
    clock: Callable[[], float] = time.monotonic,
    poll_interval_s: float = POLL_INTERVAL_S,
    wall_clock: Callable[[], datetime] = _now,
) -> MonthRecord:
    """Opens the next month, shows its progress until CLOSED, and returns its record."""
    started = clock()
    opened = await client.open_month(
        offer_deadline_ms=OFFER_DEADLINE_MS,
        expected_shoppers=0,
        close_after_seconds=plan.month_seconds,
    )
    if opened.skipped_manufacturers:
        logger.warning("month %d: skipped %s", opened.month, ", ".join(opened.skipped_manufacturers))
    view.begin(backstop_s=plan.month_seconds, expected_shoppers=plan.expected_shoppers)
    trading_since = clock()
    trading_started_at = wall_clock()
    watch = MonthWatch()
    alerts_due = trading_since
    closed_by_us = False
    while True:
        status = await client.month_status(opened.month)
        # The month's running time: the lecturer's pauses stop its clock (and move its close).
        elapsed = clock() - trading_since - status.paused_ms / 1000
        view.update(status, elapsed)
        watch.saw_status(status, elapsed, wall_clock())
        if watch.untold():
            pending = {m.name: m.pending_notifications for m in await client.manufacturers()}
            watch.saw_pending(pending, clock() - trading_since, wall_clock())
        if plan.with_branches and (status.state is MonthPhase.CLOSED or clock() >= alerts_due):
            watch.saw_alerts(await client.low_stock_alert_figures(), clock() - trading_since)
            alerts_due = clock() + ALERTS_EVERY_S
        if status.state is MonthPhase.CLOSED:
            break
        if not closed_by_us and not status.paused and elapsed > plan.month_seconds + CLOSE_GRACE_S:
            logger.warning("month %d still %s past its length; closing it", opened.month, status.state)
            await client.close_month(opened.month)
            closed_by_us = True
            continue
        await asyncio.sleep(poll_interval_s)
    view.end()
    wall_seconds = clock() - started
    # Month reports reach the manufacturers as acknowledged notifications; waiting for
    # them keeps the next month's offers based on this month's report.
    delivered = await client.wait_for_reports_delivered(REPORTS_TIMEOUT_S)
    if watch.untold():
        # Delivered means nothing is pending, the depletion notices included.
        watch.saw_pending(
            {name: 0 for name in watch.untold()} if delivered else {}, clock() - trading_since, wall_clock()
        )
    branch_days = await client.branch_revenue() if plan.with_branches else ()
    return MonthRecord(
        status=status,
        offered_manufacturers=opened.offered_manufacturers,
        wall_seconds=wall_seconds,
        reports_delivered=delivered,
        branch_days=branch_days,
        trading_started_at=trading_started_at.isoformat(),
        sellouts=watch.sellouts(),
        alerts=watch.alerts(),
    )
