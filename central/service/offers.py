"""Offers: a manufacturer's lines for a month become stock lines, in the database and then in the book."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from central.domain import rules
from central.domain.months import MonthState
from central.domain.stock import OfferLineInput, StockLine
from central.service.book import StockBook
from central.service.hub import CatalogHub
from central.storage.stock_rows import record_offer
from nodekit.db.writer import WriteQueue
from nodekit.errors import invalid

__all__ = ["OfferDesk", "OfferLineInput", "validate_offer"]


class OfferDesk:
    """Records manufacturers' offers; a line offered while the month is OPEN goes on sale at once.

    It needs no month desk: the manufacturer links record the offers they collect
    here, so the month desk can take the links as its collector.

    Args:
        writer: The group-commit writer the offers are recorded in.
        book: The in-memory book, which takes a line offered while the month is OPEN.
        hub: Tells catalog watchers of the lines put on sale.
        clock: Aware UTC now.
    """

    def __init__(
        self, writer: WriteQueue, book: StockBook, hub: CatalogHub, clock: Callable[[], datetime]
    ) -> None:
        self._writer = writer
        self._book = book
        self._hub = hub
        self._clock = clock

    async def submit_offer(
        self, manufacturer_name: str, month: int, lines: list[OfferLineInput]
    ) -> list[StockLine]:
        """Records a manufacturer's offer for the current month."""
        clean = validate_offer(lines)
        now = self._clock()
        return await self._writer.run(
            lambda connection: record_offer(connection, manufacturer_name, month, clean, now),
            lambda created: self._follow(month, created),
        )

    def _follow(self, month: int, created: list[StockLine]) -> None:
        book = self._book
        if book.month == month and book.state is MonthState.OPEN:
            fresh = [line for line in created if line.stock_line_id not in book.lines]
            for line in fresh:
                book.lines[line.stock_line_id] = line
            self._hub.changed([line.stock_line_id for line in fresh])


def validate_offer(lines: list[OfferLineInput]) -> list[OfferLineInput]:
    """Checks every line (names, quantities, prices, no product twice)."""
    if not lines:
        raise invalid("EMPTY_OFFER", "An offer needs at least one line.")
    seen: set[str] = set()
    clean: list[OfferLineInput] = []
    for line in lines:
        product = rules.name(line.product, "product name")
        if product in seen:
            raise invalid("DUPLICATE_PRODUCT", f"{product} appears twice in the offer.", product=product)
        seen.add(product)
        clean.append(
            OfferLineInput(
                product, rules.quantity(line.quantity), rules.price(line.unit_price_cents, product)
            )
        )
    return clean
