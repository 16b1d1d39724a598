"""The month's tables, shared by the printed summary and the Markdown report."""

from __future__ import annotations

from collections.abc import Iterable

from launcher.records.snapshots import BranchDay, MakerOutcome, pending
from nodekit.money import format_cents

RESULT_HEADERS = ["manufacturer", "offered", "sold", "revenue", "unsold", "unmet demand"]
BRANCH_DAY_HEADERS = ["branch", "day", "streamed", "reported", "loss", "transactions", "flagged"]


def result_row(maker: MakerOutcome) -> list[object]:
    """One manufacturer's month report, summed over its products (columns of ``RESULT_HEADERS``)."""
    return [
        maker.manufacturer_name,
        maker.total("offered"),
        maker.total("sold"),
        format_cents(maker.total("revenue_cents")),
        maker.total("unsold"),
        maker.total("unmet_demand"),
    ]


def branch_day_rows(days: Iterable[BranchDay]) -> list[list[object]]:
    """A row per branch and business day (columns of ``BRANCH_DAY_HEADERS``)."""
    return [
        [
            d.branch_name,
            d.business_day,
            format_cents(d.streamed_revenue_cents),
            "pending" if pending(d) else format_cents(d.revenue_cents),
            "pending" if pending(d) else format_cents(d.loss_cents),
            d.transaction_count,
            "yes" if d.flagged else "",
        ]
        for d in days
    ]
