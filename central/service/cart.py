"""Cart use cases: add (reserve with a time-to-live), remove (release), view."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine

from central.domain import failures, rules
from central.domain.months import MonthState
from central.domain.stock import StockLine
from central.service import cart_writes
from central.service.book import StockBook
from central.service.cart_writes import Refused, Released, Reserved, ReserveRequest
from central.service.hub import CatalogHub
from central.service.views import CartLineView
from central.storage import statements
from central.storage.cart_rows import cart_rows
from central.storage.statements import EXPIRED
from central.storage.stock_rows import load_lines
from nodekit.db.writer import WriteQueue
from nodekit.errors import invalid
from nodekit.ids import new_id

MAX_RESERVATION_ID = 32  # the column's width: a longer id names no reservation


class Cart:
    """A customer's cart is its active and expired reservations.

    Args:
        engine: Where the cart is read.
        writer: The group-commit writer its reserves and releases go through.
        book: The month's stock in memory, which follows each commit.
        hub: Tells the catalog's watchers of the lines that changed.
        clock: Aware UTC now.
        reservation_ttl_s: How long an add-to-cart holds its units.
        shared: Other centrals write the same database (PostgreSQL).
        reload_month: Reads the month again before a refusal, when ``shared``.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        writer: WriteQueue,
        book: StockBook,
        hub: CatalogHub,
        clock: Callable[[], datetime],
        reservation_ttl_s: float,
        *,
        shared: bool = False,
        reload_month: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._engine = engine
        self._writer = writer
        self._book = book
        self._hub = hub
        self._clock = clock
        self._ttl = timedelta(seconds=reservation_ttl_s)
        self._shared = shared
        self._reload_month = reload_month

    async def _line(self, stock_line_id: int) -> StockLine:
        """The line from the book; with several centrals the book is read again before a refusal.

        Another central may have opened the month or taken an offer a moment ago, and
        the change feed not yet told this one: "not open" or "not on sale" is then
        checked against the database, never answered from a book that may lag.
        """
        book = self._book
        if (
            self._shared
            and self._reload_month is not None
            and (book.state is not MonthState.OPEN or stock_line_id not in book.lines)
        ):
            await self._reload_month()
            if stock_line_id not in book.lines and book.state is MonthState.OPEN:
                async with self._engine.connect() as connection:
                    for line in await connection.run_sync(load_lines, [stock_line_id]):
                        if line.month == book.month:
                            book.lines.setdefault(line.stock_line_id, line)
        book.require_open()
        return book.line(stock_line_id)

    async def add(self, customer_id: str, stock_line_id: int, quantity: int) -> CartLineView:
        """Reserves ``quantity`` units of a line until the reservation's time-to-live ends."""
        rules.positive_id(stock_line_id, "stock line id")
        rules.quantity(quantity)
        line = await self._line(stock_line_id)
        if line.sold_out:
            # The one refusal the book may give alone: a sold-out line stays sold out for its month.
            self.record_unmet(line.month, stock_line_id, customer_id, quantity)
            raise failures.insufficient_stock(line.product, quantity, 0)
        request = ReserveRequest(
            new_id(),
            customer_id,
            stock_line_id,
            quantity,
            self._clock,
            self._ttl,
        )
        outcome = await self._writer.run(
            # Partials rather than closures: no Python frame of their own on the hot path.
            partial(cart_writes.reserve, request=request),
            partial(self._follow_reserve, quantity),
            locks=(stock_line_id,),
            # On PostgreSQL the batch's reserves go in one round trip.
            piped=cart_writes.piped_reserve(request) if self._shared else None,
        )
        if isinstance(outcome, Refused):
            if not outcome.month_open:
                raise failures.month_not_open(line.month, outcome.month_state.value)
            raise failures.insufficient_stock(line.product, quantity, outcome.available)
        return CartLineView(
            request.reservation_id,
            stock_line_id,
            line.product,
            line.manufacturer_name,
            quantity,
            line.unit_price_cents,
            False,
            outcome.expires_at,
        )

    def _follow_reserve(self, quantity: int, outcome: Reserved | Refused) -> None:
        if isinstance(outcome, Reserved):
            self._book.follow(outcome.counters, reserved=quantity)
            self._hub.changed([outcome.counters.stock_line_id])

    def record_unmet(self, month: int, stock_line_id: int, customer_id: str, quantity: int) -> None:
        """Remembers demand that could not be served (written in the background)."""
        at = self._clock()
        row = {
            "month": month,
            "stock_line_id": stock_line_id,
            "customer_id": customer_id,
            "quantity": quantity,
            "at": at,
        }
        self._writer.submit(lambda connection: statements.INSERT_UNMET.execute(connection, row))

    async def remove(self, customer_id: str, stock_line_id: int, reservation_id: str = "") -> int:
        """Releases the line's reservations in the cart (or only the one named); returns the units."""
        rules.positive_id(stock_line_id, "stock line id")
        if len(reservation_id) > MAX_RESERVATION_ID:
            raise invalid("BAD_ID", f"A reservation id has at most {MAX_RESERVATION_ID} characters.")
        now = self._clock()
        released = await self._writer.run(
            lambda c: cart_writes.release(c, customer_id, stock_line_id, now, reservation_id),
            self._follow_release,
            locks=(stock_line_id,),
        )
        return released.units

    def _follow_release(self, released: Released) -> None:
        if released.counters is not None:
            self._book.follow(released.counters, reserved=-released.units)
            self._hub.changed([released.counters.stock_line_id])

    async def view(self, customer_id: str) -> list[CartLineView]:
        """The cart, oldest reservation first."""
        now = self._clock()
        rows = await cart_rows(self._engine, customer_id)
        return [
            CartLineView(
                r.reservation_id,
                r.stock_line_id,
                r.product,
                r.name,
                r.quantity,
                r.unit_price_cents,
                r.state == EXPIRED or r.expires_at <= now,
                r.expires_at,
            )
            for r in rows
        ]
