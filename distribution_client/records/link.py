"""What travels on a manufacturer's link: offers, the central's notifications (plain values)."""

from __future__ import annotations

from dataclasses import dataclass

from distribution_client.records.month import Advice, ProductOutcome

__all__ = ["DepletionNotice", "Notice", "OfferLine", "ReportNotice"]


@dataclass(frozen=True, slots=True)
class OfferLine:
    """Units of a product a manufacturer offers for a month, at a unit price."""

    product: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True, slots=True)
class DepletionNotice:
    """A stock line of the manufacturer sold out."""

    month: int
    stock_line_id: int
    product: str
    quantity_sold: int


@dataclass(frozen=True, slots=True)
class ReportNotice:
    """A closed month's results for the manufacturer and what to produce next."""

    month: int
    results: tuple[ProductOutcome, ...]
    advice: tuple[Advice, ...]


Notice = DepletionNotice | ReportNotice
