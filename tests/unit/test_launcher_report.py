"""report.json, report.md and totals, built from MonthStatus messages as the central sends them."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from distribution_client.convert import from_proto
from generated.distribution.v1 import common_pb2, month_pb2
from launcher.records.faults import FaultRecord
from launcher.records.from_client import month_figures
from launcher.records.snapshots import (
    AlertSeen,
    BranchDay,
    MonthFigures,
    MonthRecord,
    Sellout,
    compute_totals,
    tally_by_manufacturer,
)
from launcher.report.writer import RunInfo, build_report, render_markdown, write_reports

# What the central's month reports advised in the two months these tests run (the central's
# formula is tested with the central): product -> (daily demand milli, recommended, priority).
ADVICE = {
    1: {"apples": (266, 4, common_pb2.PRIORITY_A), "hammer": (233, 7, common_pb2.PRIORITY_A)},
    2: {"apples": (333, 10, common_pb2.PRIORITY_A), "hammer": (166, 1, common_pb2.PRIORITY_A)},
}


def snapshot_from_proto(status: month_pb2.MonthStatus) -> MonthFigures:
    """A MonthStatus message as the launcher's record, through the client package's converter."""
    return month_figures(from_proto.month_status(status))


def closed_status(month: int, sold_a: int, sold_b: int) -> month_pb2.MonthStatus:
    """A closed month: Acme offers 10 apples at $1.50, Borealis 5 hammers at $12.00."""
    status = month_pb2.MonthStatus(
        month=month,
        state=common_pb2.MONTH_STATE_CLOSED,
        order_count=sold_a + sold_b,
        revenue_cents=sold_a * 150 + sold_b * 1200,
        skipped_manufacturers=["Cobalt Textiles"],
        finished_shoppers=3,
        unmet_demand=4,
        close_reason="shoppers_done",
    )
    status.opened_at.FromSeconds(1_900_000_000)
    status.closed_at.FromSeconds(1_900_000_008)
    for line_id, (maker, product, price, offered, sold) in enumerate(
        [("Acme Foods", "apples", 150, 10, sold_a), ("Borealis Tools", "hammer", 1200, 5, sold_b)],
        start=1,
    ):
        status.stock_lines.add(
            stock_line_id=line_id,
            month=month,
            manufacturer_name=maker,
            product=product,
            unit_price_cents=price,
            offered=offered,
            sold=sold,
            available=offered - sold,
        )
        result = status.manufacturer_results.add(manufacturer_name=maker)
        result.results.add(
            product=product,
            offered=offered,
            sold=sold,
            revenue_cents=sold * price,
            unsold=offered - sold,
            unmet_demand=2,
        )
        if month in ADVICE:
            daily, quantity, priority = ADVICE[month][product]
            result.recommendations.add(
                product=product, daily_demand_milli=daily, recommended_quantity=quantity, priority=priority
            )
    status.recommendation_horizon_days = 30
    status.recommendation_window.extend(range(max(1, month - 2), month + 1))
    return status


def record(month: int, sold_a: int, sold_b: int) -> MonthRecord:
    return MonthRecord(
        status=snapshot_from_proto(closed_status(month, sold_a, sold_b)),
        offered_manufacturers=("Acme Foods", "Borealis Tools"),
        wall_seconds=3.25,
        reports_delivered=True,
        branch_days=(BranchDay("Toronto", "2030-01-01", 5000, 200, 5000, 7, False),),
    )


INFO = RunInfo(
    config={"seed": 1, "month_seconds": 8, "months": 2},
    manufacturers=("Acme Foods", "Borealis Tools", "Cobalt Textiles"),
    customers=("customer-01",),
    branches=("Toronto",),
    started_at="2030-01-01T00:00:00+00:00",
    finished_at="2030-01-01T00:00:20+00:00",
)


def markdown_of(records: list[MonthRecord], faults: list[FaultRecord] | None = None) -> str:
    """report.md's text without drawing the charts."""
    return render_markdown(INFO, records, compute_totals(records), faults or [])


def json_of(records: list[MonthRecord], faults: list[FaultRecord] | None = None) -> dict[str, Any]:
    """report.json as a reader sees it."""
    data: dict[str, Any] = json.loads(json.dumps(build_report(INFO, records, faults or [])))
    return data


def test_a_status_message_converts_to_a_plain_snapshot() -> None:
    snapshot = snapshot_from_proto(closed_status(1, 6, 5))

    assert snapshot.state == "CLOSED"
    assert (snapshot.offered, snapshot.sold, snapshot.reserved) == (15, 11, 0)
    assert snapshot.opened_at == "2030-03-17T17:46:40+00:00"
    assert snapshot.closed_at == "2030-03-17T17:46:48+00:00"
    assert snapshot.manufacturer_results[1].total("revenue_cents") == 6000
    assert tally_by_manufacturer(snapshot.stock_lines)["Acme Foods"].sold == 6


def test_an_open_month_has_no_close_time() -> None:
    snapshot = snapshot_from_proto(month_pb2.MonthStatus(month=2, state=common_pb2.MONTH_STATE_OPEN))

    assert (snapshot.state, snapshot.closed_at, snapshot.opened_at) == ("OPEN", None, None)


def test_totals_add_up_the_months() -> None:
    totals = compute_totals([record(1, 6, 5), record(2, 10, 1)])

    assert totals.months == 2
    assert (totals.offered, totals.sold, totals.unsold) == (30, 22, 8)
    assert totals.orders == 22
    assert totals.revenue_cents == 16 * 150 + 6 * 1200
    assert totals.unmet_demand == 8
    assert totals.skipped_offers == 2
    assert totals.per_manufacturer_sold == {"Acme Foods": 16, "Borealis Tools": 6}
    # Branch figures are cumulative, so only the last month's rows count.
    assert totals.branch_revenue_cents == 5000


def test_the_json_report_keeps_every_months_full_status_and_the_config() -> None:
    # Through JSON, as readers of report.json see it.
    report = json.loads(json.dumps(build_report(INFO, [record(1, 6, 5), record(2, 10, 1)])))

    assert report["config"] == {"seed": 1, "month_seconds": 8, "months": 2}
    assert report["outcome"] == "completed"
    months = report["months"]
    assert isinstance(months, list)
    first = months[0]
    assert first["month"] == 1
    assert first["close_reason"] == "shoppers_done"
    assert first["order_count"] == 11
    assert first["reports_delivered"] is True
    assert first["skipped_manufacturers"] == ["Cobalt Textiles"]
    assert first["stock_lines"][0] == {
        "stock_line_id": 1, "manufacturer_name": "Acme Foods", "product": "apples",
        "unit_price_cents": 150, "offered": 10, "reserved": 0, "sold": 6, "available": 4,
    }  # fmt: skip
    assert first["manufacturer_results"][1]["products"][0]["revenue_cents"] == 6000
    assert first["branch_days"][0]["branch_name"] == "Toronto"
    assert report["totals"]["sold"] == 22


def test_write_reports_writes_the_json_the_markdown_and_the_charts(tmp_path: Path) -> None:
    paths = write_reports(tmp_path, INFO, [record(1, 6, 5), record(2, 10, 1)])

    assert [p.name for p in paths] == [
        "report.json", "report.md", "stock_and_sales.png", "stock_and_sales.svg",
        "branch_revenue.png", "branch_revenue.svg",
    ]  # fmt: skip
    assert json.loads((tmp_path / "report.json").read_text())["totals"]["orders"] == 22
    markdown = (tmp_path / "report.md").read_text()
    assert "(stock_and_sales.svg)" in markdown and "(branch_revenue.svg)" in markdown
    assert "## Month 1" in markdown
    assert "## Month 2" in markdown
    assert "| Acme Foods | apples | $1.50 | 10 | 0 | 6 | 4 |" in markdown
    assert "| Borealis Tools | 5 | 5 | $60.00 | 0 | 2 |" in markdown
    assert "Skipped (no offer in time): Cobalt Textiles." in markdown
    assert "| Toronto | 2030-01-01 | $50.00 | $50.00 | $2.00 | 7 |  |" in markdown
    assert "max(0, daily demand x horizon days - units held)" in markdown
    for chart in paths[2:]:
        assert chart.stat().st_size > 0
    assert (tmp_path / "stock_and_sales.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert ET.parse(tmp_path / "stock_and_sales.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_each_month_shows_the_recommendations_with_the_figures_behind_them() -> None:
    markdown = markdown_of([record(1, 6, 5), record(2, 10, 1)])

    # Month 1: apples sold 6 + unmet 2 = 8 over 30 days; 4 unsold held -> ceil(8) - 4 = 4.
    assert "| Acme Foods | apples | 4 | A | 0.266/day | month 1 | 30 days | 4 |" in markdown
    # Month 2 averages months 1-2: (8 + 12) / 60 a day; 0 held -> 10.
    assert "| Acme Foods | apples | 10 | A | 0.333/day | months 1-2 | 30 days | 0 |" in markdown
    report = json_of([record(1, 6, 5), record(2, 10, 1)])
    (apples, _) = sorted(report["months"][1]["recommendations"], key=lambda r: r["product"])
    assert apples["recommended_quantity"] == 10 and apples["held"] == 0 and apples["window"] == [1, 2]


def test_the_gap_per_month_is_unsold_plus_unmet() -> None:
    markdown = markdown_of([record(1, 6, 5), record(2, 10, 1)])
    report = json_of([record(1, 6, 5), record(2, 10, 1)])

    # Month 1: unsold 4 + 0, unmet 2 + 2; demand (6 + 2) + (5 + 2).
    assert report["months"][0]["gap"] == {"demand": 15, "unsold": 4, "unmet": 4, "units": 8}
    assert "## Production gap" in markdown
    assert "| 1 | 15 | 11 | 15 | 4 | 4 | 8 | 53% |" in markdown
    # Month 2: apples all sold, hammers 4 unsold; unmet 2 + 2 again.
    assert report["months"][1]["gap"] == {"demand": 15, "unsold": 4, "unmet": 4, "units": 8}


def test_the_sold_out_timeline_alerts_and_times_read_easily() -> None:
    opened = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
    sold_out = Sellout(2, "hammer", "Borealis Tools", 4.25, (opened + timedelta(seconds=4.25)).isoformat(),
                       4.5, (opened + timedelta(seconds=4.5)).isoformat())  # fmt: skip
    alert = AlertSeen("Toronto", "apples", 2, 3, opened.isoformat(), cleared_after_s=1.5)
    month = dataclasses.replace(
        record(1, 6, 5), trading_started_at=opened.isoformat(), sellouts=(sold_out,), alerts=(alert,)
    )
    markdown = markdown_of([month])

    local = (opened + timedelta(seconds=4.25)).astimezone().strftime("%H:%M:%S")
    told = (opened + timedelta(seconds=4.5)).astimezone().strftime("%H:%M:%S")
    assert f"| hammer | Borealis Tools | +4.2 s | {local} | +4.5 s | {told} |" in markdown
    assert f"Open {opened.astimezone():%H:%M:%S} to " in markdown
    assert "Low-stock alerts: 1 seen, 1 cleared by a reorder during the month:" in markdown
    assert "| Toronto | apples | 2 | 3 |" in markdown and "| +1.5 s |" in markdown
    assert "T00:00" not in markdown.split("## Month 1")[0]  # no ISO stamps in the header


def test_a_day_not_reported_yet_is_pending_and_branch_revenue_is_in_the_totals() -> None:
    days = (
        BranchDay("Toronto", "2030-01-01", 5000, 200, 5000, 7, False),
        BranchDay("Toronto", "2030-01-02", 0, 0, 1234, 2, False),
    )
    markdown = markdown_of([dataclasses.replace(record(1, 6, 5), branch_days=days)])

    assert "| Toronto | 2030-01-02 | $12.34 | pending | pending | 2 |  |" in markdown
    totals = markdown.split("## Totals")[1]
    assert "$62.34" in totals  # streamed branch revenue
    assert "$50.00" in totals  # reported


def test_the_faults_section_lists_each_fault_or_says_none() -> None:
    assert "## Faults\n\nnone\n" in markdown_of([record(1, 6, 5)])

    at = datetime(2030, 1, 1, 12, 0, 5, tzinfo=UTC)
    faults = [
        FaultRecord(at, "central", "SIGKILL", "killed during month 1", at + timedelta(seconds=2)),
        FaultRecord(at, "branch Toronto", "SIGKILL", "killed", None),
    ]
    markdown = markdown_of([record(1, 6, 5)], faults)
    back = (at + timedelta(seconds=2)).astimezone().strftime("%H:%M:%S")
    assert f"| {at.astimezone():%H:%M:%S} | central | SIGKILL | killed during month 1 | {back} |" in markdown
    assert "| branch Toronto | SIGKILL | killed | not recovered |" in markdown
    assert json_of([record(1, 6, 5)], faults)["faults"][0]["node"] == "central"


def test_a_run_that_failed_before_any_month_still_gets_a_report(tmp_path: Path) -> None:
    info = dataclasses.replace(INFO, outcome="failed: central exited with code 1")

    write_reports(tmp_path, info, [])

    report = json.loads((tmp_path / "report.json").read_text())
    assert report["outcome"] == "failed: central exited with code 1"
    assert report["months"] == []
    assert report["totals"]["sold"] == 0
    assert "Outcome: failed: central exited with code 1." in (tmp_path / "report.md").read_text()
