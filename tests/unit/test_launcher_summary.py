"""What is printed after each month and at the end."""

from __future__ import annotations

from launcher.records.formatting import fit, markdown_table, percent, table
from launcher.records.snapshots import (
    BranchDay,
    LineFigures,
    MakerOutcome,
    MonthFigures,
    MonthPhase,
    MonthRecord,
    ProductOutcome,
    Totals,
)
from launcher.report.summary import month_summary, totals_summary

STATUS = MonthFigures(
    month=2,
    state=MonthPhase.CLOSED,
    stock_lines=(LineFigures(1, "Acme Foods", "apples", 150, 10, 0, 6, 4),),
    order_count=3,
    revenue_cents=900,
    skipped_manufacturers=("Cobalt Textiles",),
    finished_shoppers=3,
    unmet_demand=5,
    opened_at=None,
    closed_at=None,
    manufacturer_results=(MakerOutcome("Acme Foods", (ProductOutcome("apples", 10, 6, 900, 4, 5),)),),
    close_reason="shoppers_done",
)


def test_shares() -> None:
    assert percent(1, 3) == "33%"
    assert percent(1, 0) == "-"
    assert fit("abcdef", 4) == "abc~"
    assert fit("abc", 4) == "abc"


def test_tables_align_their_columns() -> None:
    assert table(["name", "n"], [["a", 1], ["bb", 10]]) == [
        "name   n",
        "----  --",
        "a      1",
        "bb    10",
    ]
    assert markdown_table(["name", "n"], [["a|b", 1]]) == [
        "| name | n |",
        "| :--- | ---: |",
        "| a\\|b | 1 |",
    ]


def test_month_summary_names_reason_manufacturers_skips_and_branches() -> None:
    record = MonthRecord(
        STATUS,
        ("Acme Foods",),
        wall_seconds=4.0,
        reports_delivered=False,
        branch_days=(BranchDay("Toronto", "2030-01-01", 5000, 100, 5000, 9, True),),
    )

    text = "\n".join(month_summary(record))

    assert text.startswith(
        "Month 2 closed (shoppers_done) after 4.0s: 3 orders, revenue $9.00, "
        "sold 6/10 units (60%), unmet demand 5"
    )
    acme = next(line for line in text.splitlines() if "Acme Foods" in line)
    assert acme.split() == ["Acme", "Foods", "10", "6", "$9.00", "4", "5"]
    assert "skipped (no offer in time): Cobalt Textiles" in text
    assert "have not acknowledged their month report" in text
    toronto = next(line for line in text.splitlines() if "Toronto" in line)
    assert toronto.split() == ["Toronto", "2030-01-01", "$50.00", "$50.00", "$1.00", "9", "yes"]


def test_totals_summary() -> None:
    totals = Totals(
        months=2,
        offered=20,
        sold=12,
        unsold=8,
        orders=6,
        revenue_cents=1800,
        unmet_demand=5,
        skipped_offers=1,
        branch_revenue_cents=5000,
        per_manufacturer_sold={"Acme Foods": 12},
    )

    lines = totals_summary(totals)

    assert lines[0] == (
        "Totals over 2 month(s): 6 orders, revenue $18.00, sold 12/20 units (60%), unsold 8, "
        "unmet demand 5, skipped offers 1"
    )
    assert "reported $50.00 (closed days only" in lines[1] and "streamed" in lines[1]
    assert any(line.split() == ["Acme", "Foods", "12"] for line in lines)
