"""The production advice each manufacturer received at a month's close, with the figures behind it.

The advice itself comes from the central (GetMonthStatus carries what each month report told
its manufacturer); the launcher only adds what a reader of the report wants beside it: the units
held and the months of the window in which the manufacturer offered the product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from launcher.records.snapshots import MonthRecord


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
        window: The months averaged over: those of the window in which the product was offered.
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
    status = records[index].status
    window = set(status.recommendation_window)
    offered: dict[tuple[str, str], set[int]] = {}
    for record in records[: index + 1]:
        if record.status.month not in window:
            continue
        for maker in record.status.manufacturer_results:
            for product in maker.products:
                offered.setdefault((maker.manufacturer_name, product.product), set()).add(record.status.month)
    rows: list[AdviceRow] = []
    for maker in status.manufacturer_results:
        held = {p.product: p.unsold for p in maker.products}
        for advice in maker.advice:
            rows.append(
                AdviceRow(
                    maker.manufacturer_name,
                    advice.product,
                    advice.recommended_quantity,
                    advice.priority,
                    advice.daily_demand_milli,
                    status.recommendation_horizon_days,
                    held.get(advice.product, 0),
                    tuple(sorted(offered.get((maker.manufacturer_name, advice.product), ()))),
                )
            )
    return rows
