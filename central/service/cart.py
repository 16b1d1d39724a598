"""Cart use cases: add (reserve with a time-to-live), remove (release), view."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from central.domain import failures, rules
from central.domain.reservations import ReservationState
from central.domain.stock import Movement
from central.service.core import Core
from central.service.views import CartLineView
from central.storage import movements, statements
from central.storage.movements import MovementRow
from central.storage.schema import manufacturers, reservations, stock_lines
from central.storage.statements import ACTIVE, EXPIRED
from nodekit.errors import DomainError, not_found
from nodekit.ids import new_id

IN_CART = (ACTIVE, EXPIRED)


class Cart:
    """A customer's cart is its active and expired reservations."""

    def __init__(self, core: Core) -> None:
        self._core = core

    async def add(self, customer_id: str, stock_line_id: int, quantity: int) -> CartLineView:
        """Reserves ``quantity`` units of a line until the reservation's time-to-live ends."""
        rules.positive_id(stock_line_id, "stock line id")
        rules.quantity(quantity)
        book = self._core.book
        book.require_open()
        line = book.line(stock_line_id)
        # Admission is synchronous, so no other request on this event loop can interleave.
        try:
            line.admit(quantity)
        except DomainError:
            # Unmet demand is the shortfall: what was asked for beyond what was there.
            shortfall = quantity - max(line.admissible, 0)
            self.record_unmet(line.month, stock_line_id, customer_id, shortfall)
            raise
        now = self._core.clock()
        expires_at = now + timedelta(seconds=self._core.settings.reservation_ttl_s)
        reservation_id = new_id()

        def reserve(connection: Connection) -> None:
            taken = statements.RESERVE.execute(connection, {"line": stock_line_id, "quantity": quantity})
            if taken != 1:
                # Only reachable when another central process sold the units first.
                raise failures.insufficient_stock(line.product, quantity, 0)
            statements.INSERT_RESERVATION.execute(
                connection,
                {
                    "reservation_id": reservation_id,
                    "customer_id": customer_id,
                    "stock_line_id": stock_line_id,
                    "quantity": quantity,
                    "state": ACTIVE,
                    "created_at": now,
                    "expires_at": expires_at,
                },
            )
            movements.append(
                connection,
                [
                    MovementRow(
                        stock_line_id,
                        Movement.RESERVED,
                        quantity,
                        f"customer:{customer_id}",
                        "added to cart",
                        reservation_id,
                    )
                ],
                now,
            )

        try:
            await self._core.writer.run(reserve)
        except BaseException:
            line.settle(claimed=quantity)
            raise
        line.settle(claimed=quantity, reserved=quantity)
        self._core.hub.changed([stock_line_id])
        return CartLineView(
            reservation_id,
            stock_line_id,
            line.product,
            line.manufacturer_name,
            quantity,
            line.unit_price_cents,
            False,
            expires_at,
        )

    def record_unmet(self, month: int, stock_line_id: int, customer_id: str, quantity: int) -> None:
        """Remembers demand that could not be served (written in the background)."""
        at = self._core.clock()
        row = {
            "month": month,
            "stock_line_id": stock_line_id,
            "customer_id": customer_id,
            "quantity": quantity,
            "at": at,
        }
        self._core.writer.submit(lambda connection: statements.INSERT_UNMET.execute(connection, row))

    async def remove(self, customer_id: str, stock_line_id: int) -> int:
        """Releases every reservation of the line in the cart; returns the units released."""
        rules.positive_id(stock_line_id, "stock line id")
        now = self._core.clock()

        def release(connection: Connection) -> int:
            rows = connection.execute(
                select(reservations.c.reservation_id, reservations.c.quantity, reservations.c.state).where(
                    reservations.c.customer_id == customer_id,
                    reservations.c.stock_line_id == stock_line_id,
                    reservations.c.state.in_(IN_CART),
                )
            ).all()
            if not rows:
                raise not_found(
                    "NOT_IN_CART",
                    f"Stock line {stock_line_id} is not in your cart.",
                    stock_line_id=stock_line_id,
                )
            connection.execute(
                update(reservations)
                .where(reservations.c.reservation_id.in_([r.reservation_id for r in rows]))
                .values(state=ReservationState.RELEASED.value)
            )
            live = [r for r in rows if r.state == ACTIVE]
            released = int(sum(r.quantity for r in live))
            if released:
                statements.UNRESERVE.execute(connection, {"line": stock_line_id, "quantity": released})
            movements.append(
                connection,
                [
                    MovementRow(
                        stock_line_id,
                        Movement.RELEASED,
                        r.quantity,
                        f"customer:{customer_id}",
                        "removed from cart",
                        r.reservation_id,
                    )
                    for r in live
                ],
                now,
            )
            return released

        released = await self._core.writer.run(release)
        line = self._core.book.lines.get(stock_line_id)
        if line is not None and released:
            line.settle(claimed=0, reserved=-released)
            self._core.hub.changed([stock_line_id])
        return released

    async def view(self, customer_id: str) -> list[CartLineView]:
        """The cart, oldest reservation first."""
        now = self._core.clock()
        query = (
            select(
                reservations.c.reservation_id,
                reservations.c.stock_line_id,
                stock_lines.c.product,
                manufacturers.c.name,
                reservations.c.quantity,
                stock_lines.c.unit_price_cents,
                reservations.c.state,
                reservations.c.expires_at,
            )
            .join(stock_lines, stock_lines.c.stock_line_id == reservations.c.stock_line_id)
            .join(manufacturers, manufacturers.c.manufacturer_id == stock_lines.c.manufacturer_id)
            .where(reservations.c.customer_id == customer_id, reservations.c.state.in_(IN_CART))
            .order_by(reservations.c.created_at, reservations.c.reservation_id)
        )
        async with self._core.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
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
