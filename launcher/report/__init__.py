"""The run's report and summaries: report.json and report.md, charts, tables, advice and the loss check."""

from __future__ import annotations

from launcher.report.chart import NO_DATA, BranchDayBar, MakerMonth, branch_revenue, save, units_and_revenue
from launcher.report.loss_check import (
    ACKS_DIR,
    ACKS_ENV,
    acknowledged_orders,
    check_database,
    check_lines,
    check_run,
    sqlite_path,
)
from launcher.report.sections import fault_lines
from launcher.report.summary import month_summary, totals_summary
from launcher.report.writer import RunInfo, build_report, render_markdown, write_reports

__all__ = [
    "ACKS_DIR",
    "ACKS_ENV",
    "NO_DATA",
    "BranchDayBar",
    "MakerMonth",
    "RunInfo",
    "acknowledged_orders",
    "branch_revenue",
    "build_report",
    "check_database",
    "check_lines",
    "check_run",
    "fault_lines",
    "month_summary",
    "render_markdown",
    "save",
    "sqlite_path",
    "totals_summary",
    "units_and_revenue",
    "write_reports",
]
