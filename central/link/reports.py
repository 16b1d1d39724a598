"""The close hook: one month_report notification per manufacturer, in the closing transaction."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from central.domain.months import ProductOutcome
from central.domain.recommend import ProductMonth, Recommendation, recommend, window_months
from central.link.messages import MONTH_REPORT
from central.storage.schema import manufacturers, month_results, notifications


def queue_month_reports(
    connection: Connection, month: int, outcomes: list[ProductOutcome], now: datetime
) -> None:
    """Queues the month's report for every keyed manufacturer and every one that had stock lines.

    A keyed manufacturer without lines gets an (empty) report too, so it knows the
    month is over and takes back whatever it had set aside for an offer that was skipped.
    """
    by_maker: dict[int, list[ProductOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_maker[outcome.manufacturer_id].append(outcome)
    keyed = connection.execute(
        select(manufacturers.c.manufacturer_id).where(manufacturers.c.key_digest.is_not(None))
    ).scalars()
    recipients = sorted(set(by_maker) | {int(m) for m in keyed})
    if not recipients:
        return
    history = _history(connection, month, recipients)
    rows = []
    for manufacturer_id in recipients:
        mine = sorted(by_maker.get(manufacturer_id, []), key=lambda o: o.product)
        held = {o.product: o.unsold for o in mine}
        advice = recommend(month, history.get(manufacturer_id, []), held)
        rows.append(
            {
                "manufacturer_id": manufacturer_id,
                "kind": MONTH_REPORT,
                "payload": json.dumps(report_payload(month, mine, advice, now)),
                "created_at": now,
            }
        )
    connection.execute(insert(notifications), rows)


def report_payload(
    month: int, outcomes: list[ProductOutcome], advice: list[Recommendation], closed_at: datetime
) -> dict[str, Any]:
    """The JSON stored in the outbox; the link servicer turns it into a MonthReport."""
    return {
        "month": month,
        "closed_at": closed_at.isoformat(),
        "results": [
            {
                "product": o.product,
                "offered": o.offered,
                "sold": o.sold,
                "revenue_cents": o.revenue_cents,
                "unsold": o.unsold,
                "unmet_demand": o.unmet_demand,
            }
            for o in outcomes
        ],
        "recommendations": [
            {
                "product": r.product,
                "daily_demand_milli": r.daily_demand_milli,
                "recommended_quantity": r.recommended_quantity,
                "priority": r.priority.value,
            }
            for r in advice
        ],
    }


def _history(connection: Connection, month: int, makers: list[int]) -> dict[int, list[ProductMonth]]:
    # The closing transaction has already written this month's results, so the window includes it.
    window = window_months(month)
    rows = connection.execute(
        select(month_results).where(
            month_results.c.month >= window.start,
            month_results.c.month <= month,
            month_results.c.manufacturer_id.in_(makers),
        )
    ).all()
    history: dict[int, list[ProductMonth]] = defaultdict(list)
    for r in rows:
        history[int(r.manufacturer_id)].append(
            ProductMonth(int(r.month), str(r.product), int(r.sold), int(r.unmet_demand), int(r.revenue_cents))
        )
    return history
