"""The production advice each manufacturer received at a month's close, recomputed for the report.

No operator RPC returns the month report notices themselves (GetMonthStatus gives the results;
the recommendations travel only on the manufacturers' streams), so the report recomputes them
with the central's own formula (``central.domain.recommend``, pure and free of gRPC) from the
same inputs the central used: the results of the months in the look-back window, and the units
held (this month's unsold units, back with the manufacturer on consignment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from central.domain.recommend import HORIZON_DAYS, LOOKBACK_MONTHS, ProductMonth, recommend, window_months
from launcher.snapshots import MonthRecord


@dataclass(frozen=True, slots=True)
class AdviceRow:
    """One product's recommendation and the figures behind it.

    Attributes:
        manufacturer_name: Who received it.
        product: The product.
        recommended_quantity: Units to produce for next month.
        priority: A, B or C (share of the manufacturer's revenue over the window).
        daily_demand_milli: (sold + unmet) per day over the window, in thousandths of a unit.
        horizon_days: Days of demand produced for.
        held: Units the manufacturer still holds (its unsold units of the month).
        window: The months averaged over.
    """

    manufacturer_name: str
    product: str
    recommended_quantity: int
    priority: str
    daily_demand_milli: int
    horizon_days: int
    held: int
    window: tuple[int, ...]


def advice_at(records: Sequence[MonthRecord], index: int) -> list[AdviceRow]:
    """The recommendations sent at the close of ``records[index]``'s month, by manufacturer and product."""
    month = records[index].status.month
    window = window_months(month, LOOKBACK_MONTHS)
    history: dict[str, list[ProductMonth]] = {}
    for record in records[: index + 1]:
        if record.status.month not in window:
            continue
        for maker in record.status.manufacturer_results:
            history.setdefault(maker.manufacturer_name, []).extend(
                ProductMonth(record.status.month, p.product, p.sold, p.unmet_demand, p.revenue_cents)
                for p in maker.products
            )
    rows: list[AdviceRow] = []
    for maker in records[index].status.manufacturer_results:
        held = {p.product: p.unsold for p in maker.products}
        for advice in recommend(month, history.get(maker.manufacturer_name, []), held):
            months = tuple(
                sorted({h.month for h in history[maker.manufacturer_name] if h.product == advice.product})
            )
            rows.append(
                AdviceRow(
                    maker.manufacturer_name,
                    advice.product,
                    advice.recommended_quantity,
                    advice.priority.value,
                    advice.daily_demand_milli,
                    HORIZON_DAYS,
                    held.get(advice.product, 0),
                    months,
                )
            )
    return rows
