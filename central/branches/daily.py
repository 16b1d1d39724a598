"""Day-end reports: one per branch and day, checked against the streamed sales of that day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from central.branches.model import DailyReport, ReportReceipt, check_report
from central.branches.schema import branch_daily_reports, branch_sales
from nodekit.db.writer import WriteQueue
from nodekit.errors import precondition


class DailyReports:
    """Stores day-end reports; a resent report replaces nothing silently."""

    def __init__(self, writer: WriteQueue, clock: Callable[[], datetime]) -> None:
        self._writer = writer
        self._clock = clock

    async def submit(self, branch_id: int, report: DailyReport) -> ReportReceipt:
        """Keeps the first report of a day; the same one again is a no-op, another is refused.

        The report is flagged when its revenue differs from the sum of the
        totals the branch streamed for that day.
        """
        check_report(report)
        now = self._clock()
        return await self._writer.run(lambda c: _submit(c, branch_id, report, now))


def streamed_revenue(connection: Connection, branch_id: int, day: str) -> int:
    """Sum of the totals of the day's streamed sales."""
    value = connection.execute(
        select(func.coalesce(func.sum(branch_sales.c.total_cents), 0)).where(
            branch_sales.c.branch_id == branch_id, branch_sales.c.business_day == day
        )
    ).scalar_one()
    return int(value)


def _submit(connection: Connection, branch_id: int, report: DailyReport, now: datetime) -> ReportReceipt:
    streamed = streamed_revenue(connection, branch_id, report.business_day)
    stored = connection.execute(
        select(
            branch_daily_reports.c.revenue_cents,
            branch_daily_reports.c.loss_cents,
            branch_daily_reports.c.transaction_count,
        ).where(
            branch_daily_reports.c.branch_id == branch_id,
            branch_daily_reports.c.business_day == report.business_day,
        )
    ).first()
    figures = (report.revenue_cents, report.loss_cents, report.transaction_count)
    if stored is not None:
        if tuple(stored) != figures:
            raise precondition(
                "DAILY_REPORT_EXISTS",
                f"{report.branch_name} already reported {report.business_day} with other figures.",
                branch_name=report.branch_name,
                business_day=report.business_day,
            )
        return ReportReceipt(False, streamed, report.revenue_cents != streamed)
    flagged = report.revenue_cents != streamed
    connection.execute(
        insert(branch_daily_reports).values(
            branch_id=branch_id,
            business_day=report.business_day,
            revenue_cents=report.revenue_cents,
            loss_cents=report.loss_cents,
            transaction_count=report.transaction_count,
            streamed_revenue_cents=streamed,
            flagged=flagged,
            received_at=now,
        )
    )
    return ReportReceipt(True, streamed, flagged)
