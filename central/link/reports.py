"""The close hook: one month report notification per manufacturer, in the closing transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from central.domain.months import ProductOutcome
from central.domain.notices import MonthReportNotice, ReportResult, encode
from central.domain.recommend import ProductMonth, Recommendation, recommend, window_months
from central.storage import changes
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
        kind, payload = encode(month_report_notice(month, mine, advice, now))
        rows.append(
            {"manufacturer_id": manufacturer_id, "kind": kind.value, "payload": payload, "created_at": now}
        )
    connection.execute(insert(notifications), rows)
    changes.notices(connection, recipients)


def month_report_notice(
    month: int, outcomes: list[ProductOutcome], advice: list[Recommendation], closed_at: datetime
) -> MonthReportNotice:
    """The manufacturer's report: its lines' results and the advice for next month."""
    return MonthReportNotice(
        month,
        closed_at,
        tuple(
            ReportResult(o.product, o.offered, o.sold, o.revenue_cents, o.unsold, o.unmet_demand)
            for o in outcomes
        ),
        tuple(advice),
    )


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
