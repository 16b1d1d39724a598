"""The run's report: report.json (everything), report.md (tables) and the SVG chart."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from launcher.chart import ChartPoint, render_chart
from launcher.faults import FaultRecord
from launcher.formatting import markdown_table, percent
from launcher.snapshots import MonthRecord, Totals, compute_totals
from launcher.tables import BRANCH_DAY_HEADERS, RESULT_HEADERS, branch_day_rows, result_row
from nodekit.money import format_cents

REPORT_JSON = "report.json"
REPORT_MD = "report.md"
CHART_SVG = "stock_and_sales.svg"

RECOMMENDATION_NOTE = (
    "Each manufacturer received its month report: sold units, revenue, unsold units and unmet "
    "demand per product, and a production recommendation "
    "`recommended = max(0, daily demand x horizon days - units held)`, where daily demand is "
    "(sold + unmet) per day over the look-back window, with priority A/B/C from the product's "
    "share of revenue (first 80%, next 15%, rest)."
)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Who took part and when; the config is the launcher's settings, keys left out."""

    config: dict[str, object]
    manufacturers: tuple[str, ...]
    customers: tuple[str, ...]
    branches: tuple[str, ...]
    started_at: str
    finished_at: str
    outcome: str = "completed"


def build_report(info: RunInfo, records: Sequence[MonthRecord]) -> dict[str, object]:
    """The JSON document: config, participants, every month's full status, totals."""
    totals = compute_totals(records)
    return {
        "config": info.config,
        "participants": {
            "manufacturers": list(info.manufacturers),
            "customers": list(info.customers),
            "branches": list(info.branches),
        },
        "started_at": info.started_at,
        "finished_at": info.finished_at,
        "outcome": info.outcome,
        "months": [_month_json(record) for record in records],
        "totals": dataclasses.asdict(totals),
    }


def _month_json(record: MonthRecord) -> dict[str, object]:
    status = dataclasses.asdict(record.status)
    status.update(offered=record.status.offered, reserved=record.status.reserved, sold=record.status.sold)
    return {
        **status,
        "offered_manufacturers": list(record.offered_manufacturers),
        "wall_seconds": round(record.wall_seconds, 3),
        "reports_delivered": record.reports_delivered,
        "branch_days": [dataclasses.asdict(day) for day in record.branch_days],
    }


def chart_points(records: Sequence[MonthRecord]) -> list[ChartPoint]:
    """One pair of bars per month."""
    return [ChartPoint(f"month {r.status.month}", r.status.offered, r.status.sold) for r in records]


def render_markdown(info: RunInfo, records: Sequence[MonthRecord], totals: Totals) -> str:
    """report.md: a section per month with its stock lines, then the totals and the chart."""
    config = info.config
    out = [
        "# Distribution network run",
        "",
        f"Started {info.started_at}, finished {info.finished_at}. Seed {config.get('seed')}; "
        f"{len(info.manufacturers)} manufacturers, {len(info.customers)} customers, "
        f"{len(info.branches)} branches; months close after at most "
        f"{config.get('month_seconds')}s. Outcome: {info.outcome}.",
        "",
        f"![Units offered vs sold per month]({CHART_SVG})",
        "",
    ]
    for record in records:
        s = record.status
        out += [
            f"## Month {s.month}",
            "",
            f"Closed by **{s.close_reason or 'unknown'}** after {record.wall_seconds:.1f}s: "
            f"{s.order_count} orders, revenue {format_cents(s.revenue_cents)}, sold {s.sold} of "
            f"{s.offered} units ({percent(s.sold, s.offered)}), unmet demand {s.unmet_demand}, "
            f"shoppers done {s.finished_shoppers}.",
            "",
        ]
        if s.skipped_manufacturers:
            out += [f"Skipped (no offer in time): {', '.join(s.skipped_manufacturers)}.", ""]
        rows = [
            [
                line.manufacturer_name,
                line.product,
                format_cents(line.unit_price_cents),
                line.offered,
                line.reserved,
                line.sold,
                line.available,
            ]
            for line in s.stock_lines
        ]
        headers = [
            "manufacturer",
            "product",
            "unit price",
            "offered",
            "reserved",
            "sold",
            "available",
        ]
        out += [*markdown_table(headers, rows, text_columns=2), ""]
        if s.manufacturer_results:
            result_rows = [result_row(m) for m in s.manufacturer_results]
            out += ["Month reports:", "", *markdown_table(RESULT_HEADERS, result_rows), ""]
        if record.branch_days:
            day_rows = branch_day_rows(record.branch_days)
            out += ["Branches:", "", *markdown_table(BRANCH_DAY_HEADERS, day_rows, text_columns=2), ""]
    out += [
        "## Totals",
        "",
        *markdown_table(
            ["months", "orders", "revenue", "offered", "sold", "unsold", "unmet demand"],
            [
                [
                    totals.months,
                    totals.orders,
                    format_cents(totals.revenue_cents),
                    totals.offered,
                    totals.sold,
                    totals.unsold,
                    totals.unmet_demand,
                ]
            ],
        ),
        "",
        RECOMMENDATION_NOTE,
        "",
    ]
    return "\n".join(out)


def write_reports(
    run_dir: Path, info: RunInfo, records: Sequence[MonthRecord], faults: Sequence[FaultRecord] = ()
) -> list[Path]:
    """Writes report.json, report.md and the chart into ``run_dir``; returns their paths."""
    totals = compute_totals(records)
    paths = [run_dir / REPORT_JSON, run_dir / REPORT_MD, run_dir / CHART_SVG]
    contents = [
        json.dumps({**build_report(info, records), "faults": faults_json(faults)}, indent=2) + "\n",
        render_markdown(info, records, totals) + faults_markdown(faults),
        render_chart(chart_points(records)),
    ]
    for path, text in zip(paths, contents, strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


def faults_json(faults: Sequence[FaultRecord]) -> list[dict[str, object]]:
    """The injected faults for report.json, times as ISO-8601."""
    return [
        {
            "at": f.at.isoformat(),
            "node": f.node,
            "kind": f.kind,
            "detail": f.detail,
            "recovered_at": f.recovered_at.isoformat() if f.recovered_at else None,
        }
        for f in faults
    ]


def faults_markdown(faults: Sequence[FaultRecord]) -> str:
    """report.md's "## Faults" section: each injected fault and how long its node took to be back."""
    if not faults:
        return ""
    rows = [
        [
            f.at.astimezone().strftime("%H:%M:%S"),
            f.node,
            f.kind,
            f.detail,
            f"{(f.recovered_at - f.at).total_seconds():.1f}s" if f.recovered_at else "not back",
        ]
        for f in faults
    ]
    table = markdown_table(["at", "node", "kind", "detail", "back after"], rows, text_columns=4)
    return "\n".join(["", "## Faults", "", *table, ""])
