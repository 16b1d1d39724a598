"""The outbox's notice codec: what is encoded decodes to the same notice, in the stored JSON shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from central.domain.notices import (
    DepletionNotice,
    MonthReportNotice,
    NoticeKind,
    ReportResult,
    decode,
    encode,
)
from central.domain.recommend import Priority, Recommendation

REPORT = MonthReportNotice(
    3,
    datetime(2026, 11, 21, 12, 30, tzinfo=UTC),
    (ReportResult("apples", 10, 6, 900, 4, 5), ReportResult("bread", 2, 2, 600, 0, 0)),
    (Recommendation("apples", 366, 7, Priority.A), Recommendation("bread", 66, 2, Priority.C)),
)


def test_depletion_round_trips_with_its_stored_keys() -> None:
    notice = DepletionNotice(2, 41, "apples", 12)
    kind, text = encode(notice)
    assert kind is NoticeKind.DEPLETION
    assert json.loads(text) == {"month": 2, "stock_line_id": 41, "product": "apples", "quantity_sold": 12}
    assert decode(kind.value, text) == notice


def test_month_report_round_trips_with_its_stored_keys() -> None:
    kind, text = encode(REPORT)
    assert kind is NoticeKind.MONTH_REPORT
    stored = json.loads(text)
    assert stored["closed_at"] == "2026-11-21T12:30:00+00:00"
    assert stored["results"][0] == {
        "product": "apples",
        "offered": 10,
        "sold": 6,
        "revenue_cents": 900,
        "unsold": 4,
        "unmet_demand": 5,
    }
    assert stored["recommendations"][1] == {
        "product": "bread",
        "daily_demand_milli": 66,
        "recommended_quantity": 2,
        "priority": "C",
    }
    assert decode(kind, text) == REPORT


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="'reminder' is not a valid NoticeKind"):
        decode("reminder", "{}")
