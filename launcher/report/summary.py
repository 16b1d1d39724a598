"""Printed text: a summary after each month and the run's totals."""

from __future__ import annotations

from launcher.records.formatting import percent, table
from launcher.records.snapshots import MonthRecord, Totals
from launcher.report.tables import BRANCH_DAY_HEADERS, RESULT_HEADERS, branch_day_rows, result_row
from nodekit.money import format_cents


def month_summary(record: MonthRecord) -> list[str]:
    """What a lecturer reads after a month: headline, per-manufacturer table, branches."""
    status = record.status
    lines = [
        f"Month {status.month} closed ({status.close_reason or 'unknown reason'}) after "
        f"{record.wall_seconds:.1f}s: {status.order_count} orders, revenue "
        f"{format_cents(status.revenue_cents)}, sold {status.sold}/{status.offered} units "
        f"({percent(status.sold, status.offered)}), unmet demand {status.unmet_demand}",
    ]
    rows = [result_row(maker) for maker in status.manufacturer_results]
    lines += ["  " + line for line in table(RESULT_HEADERS, rows)]
    if status.skipped_manufacturers:
        lines.append("  skipped (no offer in time): " + ", ".join(status.skipped_manufacturers))
    if not record.reports_delivered:
        lines.append("  warning: some manufacturers have not acknowledged their month report")
    if record.branch_days:
        lines.append("  branches (streamed sales; day-end reports once a day has closed):")
        lines += ["    " + line for line in table(BRANCH_DAY_HEADERS, branch_day_rows(record.branch_days))]
    return lines


def totals_summary(totals: Totals) -> list[str]:
    """The run's totals."""
    lines = [
        f"Totals over {totals.months} month(s): {totals.orders} orders, revenue "
        f"{format_cents(totals.revenue_cents)}, sold {totals.sold}/{totals.offered} units "
        f"({percent(totals.sold, totals.offered)}), unsold {totals.unsold}, "
        f"unmet demand {totals.unmet_demand}, skipped offers {totals.skipped_offers}",
    ]
    if totals.branch_revenue_cents or totals.streamed_branch_revenue_cents:
        # Two figures on purpose: sales stream as they happen, a day's report comes once it closes.
        lines.append(
            f"  branch revenue: streamed {format_cents(totals.streamed_branch_revenue_cents)} "
            f"(the dashboard's figure), reported {format_cents(totals.branch_revenue_cents)} "
            "(closed days only; the open day is pending)"
        )
    if totals.per_manufacturer_sold:
        rows = [[name, sold] for name, sold in totals.per_manufacturer_sold.items()]
        lines += ["  " + line for line in table(["manufacturer", "units sold"], rows)]
    return lines
