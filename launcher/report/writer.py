"""The run's report: report.json (everything), report.md (sections) and the charts (PNG and SVG)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from launcher.records.faults import FaultRecord
from launcher.records.formatting import clock_time
from launcher.records.snapshots import MonthRecord, Totals, compute_totals, pending, production_gap
from launcher.report import chart
from launcher.report.recommendations import advice_at
from launcher.report.sections import fault_lines, gap_lines, month_section, totals_lines

REPORT_JSON = "report.json"
REPORT_MD = "report.md"
UNITS_CHART = "stock_and_sales"
BRANCH_CHART = "branch_revenue"


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


def build_report(
    info: RunInfo, records: Sequence[MonthRecord], faults: Sequence[FaultRecord] = ()
) -> dict[str, object]:
    """The JSON document: config, participants, every month's full status and advice, totals, faults."""
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
        "months": [_month_json(records, index) for index in range(len(records))],
        "totals": dataclasses.asdict(totals),
        "faults": [
            {
                "at": f.at.isoformat(),
                "node": f.node,
                "kind": f.kind,
                "detail": f.detail,
                "recovered_at": f.recovered_at.isoformat() if f.recovered_at else None,
            }
            for f in faults
        ],
    }


def _month_json(records: Sequence[MonthRecord], index: int) -> dict[str, object]:
    record = records[index]
    status = dataclasses.asdict(record.status)
    status.update(offered=record.status.offered, reserved=record.status.reserved, sold=record.status.sold)
    gap = production_gap(record.status)
    return {
        **status,
        "offered_manufacturers": list(record.offered_manufacturers),
        "wall_seconds": round(record.wall_seconds, 3),
        "reports_delivered": record.reports_delivered,
        "branch_days": [dataclasses.asdict(day) for day in record.branch_days],
        "trading_started_at": record.trading_started_at,
        "sellouts": [dataclasses.asdict(s) for s in record.sellouts],
        "alerts": [dataclasses.asdict(a) for a in record.alerts],
        "recommendations": [dataclasses.asdict(a) for a in advice_at(records, index)],
        "gap": {"demand": gap.demand, "unsold": gap.unsold, "unmet": gap.unmet, "units": gap.units},
    }


def maker_months(records: Sequence[MonthRecord]) -> list[chart.MakerMonth]:
    """The units chart's bars: one per month and manufacturer, from the month reports."""
    return [
        chart.MakerMonth(
            r.status.month,
            m.manufacturer_name,
            m.total("offered"),
            m.total("sold"),
            m.total("unmet_demand"),
            m.total("revenue_cents"),
        )
        for r in records
        for m in r.status.manufacturer_results
    ]


def branch_days(records: Sequence[MonthRecord]) -> list[chart.BranchDayBar]:
    """The branch chart's bars: the last month's rows (the central's figures are cumulative)."""
    days = records[-1].branch_days if records else ()
    return [
        chart.BranchDayBar(d.branch_name, d.business_day, d.streamed_revenue_cents, pending(d)) for d in days
    ]


def render_markdown(
    info: RunInfo, records: Sequence[MonthRecord], totals: Totals, faults: Sequence[FaultRecord] = ()
) -> str:
    """report.md: the run, a section per month, the gap per month, the totals and the faults."""
    config = info.config
    out = [
        "# Distribution network run",
        "",
        f"Started {clock_time(info.started_at)}, finished {clock_time(info.finished_at)} (local time). "
        f"Seed {config.get('seed')}, pace {config.get('pace', '-')}; {len(info.manufacturers)} "
        f"manufacturers, {len(info.customers)} customers, {len(info.branches)} branches; months last "
        f"{config.get('month_seconds')} s (or until every line is sold out). Outcome: {info.outcome}.",
        "",
        f"![Units offered, sold and unmet, and revenue, per month and manufacturer]({UNITS_CHART}.svg)",
        "",
        f"![Branch revenue per day]({BRANCH_CHART}.svg)",
        "",
        f"PNG copies: [{UNITS_CHART}.png]({UNITS_CHART}.png), [{BRANCH_CHART}.png]({BRANCH_CHART}.png).",
        "",
    ]
    for index, record in enumerate(records):
        out += month_section(record, advice_at(records, index))
    out += gap_lines(records)
    out += totals_lines(totals, records[-1].branch_days if records else ())
    out += fault_lines(faults)
    return "\n".join(out)


def write_reports(
    run_dir: Path, info: RunInfo, records: Sequence[MonthRecord], faults: Sequence[FaultRecord] = ()
) -> list[Path]:
    """Writes report.json, report.md and both charts (PNG and SVG) into ``run_dir``; returns their paths."""
    totals = compute_totals(records)
    paths = [run_dir / REPORT_JSON, run_dir / REPORT_MD]
    paths[0].write_text(json.dumps(build_report(info, records, faults), indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(render_markdown(info, records, totals, faults), encoding="utf-8")
    paths += chart.save(chart.units_and_revenue(maker_months(records)), run_dir / UNITS_CHART)
    paths += chart.save(chart.branch_revenue(branch_days(records)), run_dir / BRANCH_CHART)
    return paths
