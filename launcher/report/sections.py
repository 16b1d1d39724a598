"""The sections of report.md, each a list of Markdown lines built from plain records."""

from __future__ import annotations

from collections.abc import Sequence

from launcher.records.faults import FaultRecord
from launcher.records.formatting import after, clock_time, markdown_table, percent
from launcher.records.snapshots import (
    AlertSeen,
    BranchDay,
    MonthRecord,
    Sellout,
    Totals,
    production_gap,
)
from launcher.report.recommendations import AdviceRow
from launcher.report.tables import BRANCH_DAY_HEADERS, RESULT_HEADERS, branch_day_rows, result_row
from nodekit.money import format_cents

RECOMMENDATION_NOTE = (
    "Each manufacturer received its month report: sold units, revenue, unsold units and unmet "
    "demand per product, and a production recommendation "
    "`recommended = max(0, daily demand x horizon days - units held)`, where daily demand is "
    "(sold + unmet) per day over the look-back window, with priority A/B/C from the product's "
    "share of revenue (first 80%, next 15%, rest)."
)
ADVICE_NOTE = (
    "No operator RPC returns the notices themselves, so the launcher recomputes them with the "
    "central's formula from the results above and the months before (the same inputs)."
)
STOCK_HEADERS = ["manufacturer", "product", "unit price", "offered", "reserved", "sold", "available"]
ADVICE_HEADERS = [
    "manufacturer", "product", "recommended", "priority", "daily demand", "window", "horizon", "held",
]  # fmt: skip
SELLOUT_HEADERS = ["product", "manufacturer", "sold out", "at", "manufacturer told", "at"]
ALERT_HEADERS = ["branch", "product", "on hand", "reorder point", "raised", "reorder received"]
GAP_HEADERS = ["month", "offered", "sold", "demand (sold + unmet)", "unsold", "unmet", "gap", "gap / demand"]
FAULT_HEADERS = ["at", "node", "kind", "detail", "back at"]


def month_section(record: MonthRecord, advice: Sequence[AdviceRow]) -> list[str]:
    """One month: headline, stock lines, results, advice, sold-out timeline, alerts."""
    s = record.status
    gap = production_gap(s)
    out = [
        f"## Month {s.month}",
        "",
        f"Open {clock_time(record.trading_started_at)} to {clock_time(s.closed_at)}, closed by "
        f"**{s.close_reason or 'unknown'}** after {record.wall_seconds:.1f} s: {s.order_count} orders, "
        f"revenue {format_cents(s.revenue_cents)}, sold {s.sold} of {s.offered} units "
        f"({percent(s.sold, s.offered)}), unmet demand {s.unmet_demand}, production gap {gap.units} "
        f"(unsold {gap.unsold} + unmet {gap.unmet}), shoppers done {s.finished_shoppers}.",
        "",
    ]
    if s.skipped_manufacturers:
        out += [f"Skipped (no offer in time): {', '.join(s.skipped_manufacturers)}.", ""]
    rows = [
        [ln.manufacturer_name, ln.product, format_cents(ln.unit_price_cents), ln.offered, ln.reserved,
         ln.sold, ln.available]
        for ln in s.stock_lines
    ]  # fmt: skip
    out += [*markdown_table(STOCK_HEADERS, rows, text_columns=2), ""]
    if s.manufacturer_results:
        result_rows = [result_row(m) for m in s.manufacturer_results]
        out += ["Month reports:", "", *markdown_table(RESULT_HEADERS, result_rows), ""]
    out += advice_lines(advice)
    out += sellout_lines(record.sellouts)
    out += alert_lines(record.alerts)
    return out


def advice_lines(advice: Sequence[AdviceRow]) -> list[str]:
    """What each manufacturer was told to produce for the next month, with the figures behind it."""
    if not advice:
        return []
    rows = [
        [a.manufacturer_name, a.product, a.recommended_quantity, a.priority,
         f"{a.daily_demand_milli / 1000:.3f}/day", _months(a.window), f"{a.horizon_days} days", a.held]
        for a in advice
    ]  # fmt: skip
    return ["Production recommendations sent at the close:", "", *markdown_table(ADVICE_HEADERS, rows, 2), "",
            ADVICE_NOTE, ""]  # fmt: skip


def _months(window: Sequence[int]) -> str:
    if not window:
        return "-"
    return f"month {window[0]}" if len(window) == 1 else f"months {window[0]}-{window[-1]}"


def sellout_lines(sellouts: Sequence[Sellout]) -> list[str]:
    """When each line sold out and when its manufacturer had been told (times after the month opened)."""
    if not sellouts:
        return ["Sold-out timeline: no line sold out.", ""]
    rows = [
        [x.product, x.manufacturer_name, after(x.after_s), clock_time(x.at), after(x.told_after_s),
         clock_time(x.told_at)]
        for x in sellouts
    ]  # fmt: skip
    return [
        "Sold-out timeline (as the launcher's polls saw it, every 0.2 s):",
        "",
        *markdown_table(SELLOUT_HEADERS, rows, text_columns=2),
        "",
    ]


def alert_lines(alerts: Sequence[AlertSeen]) -> list[str]:
    """Branches' low-stock alerts seen open this month, and whether a reorder cleared them."""
    if not alerts:
        return []
    received = sum(a.cleared_after_s is not None for a in alerts)
    rows = [
        [a.branch_name, a.product, a.quantity, a.reorder_point, clock_time(a.raised_at),
         after(a.cleared_after_s) if a.cleared_after_s is not None else "open at close"]
        for a in alerts
    ]  # fmt: skip
    return [
        f"Low-stock alerts: {len(alerts)} seen, {received} cleared by a reorder during the month:",
        "",
        *markdown_table(ALERT_HEADERS, rows, text_columns=2),
        "",
    ]


def gap_lines(records: Sequence[MonthRecord]) -> list[str]:
    """The production gap per month: how far the offers missed the demand."""
    rows = []
    for record in records:
        s, gap = record.status, production_gap(record.status)
        rows.append(
            [
                s.month,
                s.offered,
                s.sold,
                gap.demand,
                gap.unsold,
                gap.unmet,
                gap.units,
                percent(gap.units, gap.demand),
            ]
        )
    if not rows:
        return ["## Production gap", "", "No month closed.", ""]
    return [
        "## Production gap",
        "",
        "Per month, units left unsold plus units asked for in vain, summed over products. The "
        "recommendations steer next month's production towards the demand, so the gap shrinks "
        "once the first months have been reported.",
        "",
        *markdown_table(GAP_HEADERS, rows),
        "",
    ]


def totals_lines(totals: Totals, last_days: Sequence[BranchDay]) -> list[str]:
    """The run's totals, branch revenue included, and the branches' days."""
    headers = ["months", "orders", "revenue", "branch revenue (streamed)", "branch revenue (reported)",
               "offered", "sold", "unsold", "unmet demand"]  # fmt: skip
    row = [
        totals.months, totals.orders, format_cents(totals.revenue_cents),
        format_cents(totals.streamed_branch_revenue_cents), format_cents(totals.branch_revenue_cents),
        totals.offered, totals.sold, totals.unsold, totals.unmet_demand,
    ]  # fmt: skip
    out = ["## Totals", "", *markdown_table(headers, [row]), ""]
    if last_days:
        out += [
            'Branches per day ("pending": not reported by the branch yet):',
            "",
            *markdown_table(BRANCH_DAY_HEADERS, branch_day_rows(last_days), text_columns=2),
            "",
        ]
    return [*out, RECOMMENDATION_NOTE, ""]


def fault_lines(faults: Sequence[FaultRecord]) -> list[str]:
    """The faults the launcher injected, and when each node was back."""
    if not faults:
        return ["## Faults", "", "none", ""]
    rows = [
        [clock_time(f.at), f.node, f.kind, f.detail,
         clock_time(f.recovered_at) if f.recovered_at is not None else "not recovered"]
        for f in faults
    ]  # fmt: skip
    return ["## Faults", "", *markdown_table(FAULT_HEADERS, rows, text_columns=4), ""]
