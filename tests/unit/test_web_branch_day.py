"""Headquarters' branch days: a day streamed but not reported is pending, not a $0 report marked ok."""

from __future__ import annotations

from distribution_client import BranchDay
from web_node.convert import branch_day


def _day(revenue: int, loss: int, streamed: int, flagged: bool) -> BranchDay:
    return BranchDay(
        branch_name="Toronto",
        business_day="2030-01-01",
        revenue_cents=revenue,
        loss_cents=loss,
        streamed_revenue_cents=streamed,
        transaction_count=3,
        flagged=flagged,
    )


def test_a_streamed_day_without_a_report_is_pending() -> None:
    assert branch_day(_day(0, 0, 160_200, False))["reported"] is False


def test_a_reported_day_is_reported_whether_it_agrees_or_not() -> None:
    assert branch_day(_day(160_200, 500, 160_200, False))["reported"] is True
    # A report of $0 beside streamed sales disagrees: the central flags it, so it was reported.
    assert branch_day(_day(0, 0, 160_200, True))["reported"] is True
    assert branch_day(_day(0, 0, 0, False))["reported"] is True
