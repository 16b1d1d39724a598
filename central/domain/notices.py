"""Notifications to manufacturers as the outbox keeps them: their kinds, typed payloads and one JSON codec.

The stored text is JSON; ``encode`` and ``decode`` are the only places that know its keys.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from central.domain.recommend import Priority, Recommendation


class NoticeKind(enum.Enum):
    """What a notification tells its manufacturer (the stored ``kind``)."""

    DEPLETION = "depletion"
    MONTH_REPORT = "month_report"


@dataclass(frozen=True, slots=True)
class DepletionNotice:
    """A stock line of the manufacturer sold out."""

    month: int
    stock_line_id: int
    product: str
    quantity_sold: int


@dataclass(frozen=True, slots=True)
class ReportResult:
    """One product's figures in a month report."""

    product: str
    offered: int
    sold: int
    revenue_cents: int
    unsold: int
    unmet_demand: int


@dataclass(frozen=True, slots=True)
class MonthReportNotice:
    """A closed month's results for the manufacturer and what to produce next."""

    month: int
    closed_at: datetime
    results: tuple[ReportResult, ...]
    recommendations: tuple[Recommendation, ...]


Notice = DepletionNotice | MonthReportNotice


def encode(notice: Notice) -> tuple[NoticeKind, str]:
    """The notice's kind and its payload as stored JSON text."""
    if isinstance(notice, DepletionNotice):
        payload: dict[str, Any] = {
            "month": notice.month,
            "stock_line_id": notice.stock_line_id,
            "product": notice.product,
            "quantity_sold": notice.quantity_sold,
        }
        return NoticeKind.DEPLETION, json.dumps(payload)
    payload = {
        "month": notice.month,
        "closed_at": notice.closed_at.isoformat(),
        "results": [
            {
                "product": r.product,
                "offered": r.offered,
                "sold": r.sold,
                "revenue_cents": r.revenue_cents,
                "unsold": r.unsold,
                "unmet_demand": r.unmet_demand,
            }
            for r in notice.results
        ],
        "recommendations": [
            {
                "product": r.product,
                "daily_demand_milli": r.daily_demand_milli,
                "recommended_quantity": r.recommended_quantity,
                "priority": r.priority.value,
            }
            for r in notice.recommendations
        ],
    }
    return NoticeKind.MONTH_REPORT, json.dumps(payload)


def decode(kind: NoticeKind | str, text: str) -> Notice:
    """The notice stored as ``kind`` and ``text``.

    Raises:
        ValueError: For a kind that is not a NoticeKind.
    """
    kind = NoticeKind(kind)
    p = json.loads(text)
    if kind is NoticeKind.DEPLETION:
        return DepletionNotice(
            int(p["month"]), int(p["stock_line_id"]), str(p["product"]), int(p["quantity_sold"])
        )
    return MonthReportNotice(
        int(p["month"]),
        datetime.fromisoformat(p["closed_at"]),
        tuple(
            ReportResult(
                str(r["product"]),
                int(r["offered"]),
                int(r["sold"]),
                int(r["revenue_cents"]),
                int(r["unsold"]),
                int(r["unmet_demand"]),
            )
            for r in p["results"]
        ),
        tuple(
            Recommendation(
                str(r["product"]),
                int(r["daily_demand_milli"]),
                int(r["recommended_quantity"]),
                Priority(r["priority"]),
            )
            for r in p["recommendations"]
        ),
    )
