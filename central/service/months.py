"""The month cycle: open (collect offers), trade, close (release, results), status, auto-close."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from central.domain import failures
from central.domain.months import CloseReason, MonthState
from central.domain.stock import Movement, StockLine
from central.service.core import Core
from central.service.events import MonthClosed, MonthOpened
from central.service.offers import OfferLineInput, load_month_lines, record_offer, validate_offer
from central.storage import movements, statements
from central.storage.movements import MovementRow
from central.storage.schema import (
    finished_shoppers,
    manufacturers,
    month_results,
    months,
    orders,
    reservations,
    stock_lines,
    unmet_demand,
)
from nodekit.errors import DomainError, invalid, precondition

logger = logging.getLogger(__name__)


class OfferCollector(Protocol):
    """Asks connected manufacturers for offers; each arriving offer is recorded via submit_offer."""

    async def collect(self, month: int, deadline_s: float) -> tuple[list[str], list[str]]:
        """Returns (manufacturers that offered in time, manufacturers skipped)."""
        ...


class NoManufacturerLinks:
    """Collector used until manufacturer streams exist: nobody is asked."""

    async def collect(self, month: int, deadline_s: float) -> tuple[list[str], list[str]]:
        return [], []


@dataclass(frozen=True, slots=True)
class ProductOutcome:
    """One line's month result."""

    manufacturer_id: int
    manufacturer_name: str
    product: str
    offered: int
    sold: int
    revenue_cents: int
    unsold: int
    unmet_demand: int


# Runs inside the closing transaction, e.g. to queue month reports to manufacturers.
CloseHook = Callable[[Connection, int, list[ProductOutcome], datetime], None]


@dataclass
class MonthStatusView:
    """What GetMonthStatus returns."""

    month: int
    state: MonthState
    lines: list[StockLine]
    order_count: int
    revenue_cents: int
    skipped: list[str]
    finished_shoppers: int
    unmet_demand: int
    opened_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    results: list[ProductOutcome] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OpenedMonth:
    """What OpenMonth returns."""

    month: int
    state: MonthState
    offered: list[str]
    skipped: list[str]
    stock_line_count: int


class MonthDesk:
    """Owns the month state machine of the central."""

    def __init__(self, core: Core, collector: OfferCollector | None = None) -> None:
        self._core = core
        self.collector: OfferCollector = collector or NoManufacturerLinks()
        self.close_hooks: list[CloseHook] = []
        self._timer: asyncio.Task[None] | None = None
        self._closing: asyncio.Task[None] | None = None
        self._expected_shoppers = 0

    # -- start-up ---------------------------------------------------------------
    async def recover(self) -> None:
        """Loads the latest month after a (re)start; an interrupted collection opens with what arrived."""
        async with self._core.engine.connect() as connection:
            row = (await connection.execute(select(months).order_by(months.c.month.desc()).limit(1))).first()
        if row is None:
            return
        if row.state == MonthState.COLLECTING.value:
            await self._core.writer.run(
                lambda c: c.execute(update(months).where(months.c.month == row.month).values(state="open"))
            )
        state = MonthState.CLOSED if row.state == MonthState.CLOSED.value else MonthState.OPEN
        await self._load_book(row.month, state)
        self._expected_shoppers = row.expected_shoppers
        if state is MonthState.OPEN and row.close_after_seconds:
            elapsed = (self._core.clock() - row.opened_at).total_seconds()
            self._arm_timer(row.month, max(0.0, row.close_after_seconds - elapsed))

    async def stop(self) -> None:
        """Cancels timers and waits for a close in progress."""
        if self._timer is not None:
            self._timer.cancel()
        if self._closing is not None:
            await asyncio.gather(self._closing, return_exceptions=True)

    # -- open ---------------------------------------------------------------------
    async def open_month(
        self, offer_deadline_ms: int, expected_shoppers: int, close_after_s: int
    ) -> OpenedMonth:
        """Opens the next month: COLLECTING while manufacturers answer, then OPEN."""
        if not 0 <= offer_deadline_ms <= 60_000:
            raise invalid(
                "BAD_DEADLINE",
                "The offer deadline must be 0-60000 ms.",
                offer_deadline_ms=offer_deadline_ms,
            )
        if not 0 <= expected_shoppers <= 100_000:
            raise invalid(
                "BAD_SHOPPERS",
                "Expected shoppers must be 0-100000.",
                expected_shoppers=expected_shoppers,
            )
        if not 0 <= close_after_s <= 31 * 86_400:
            raise invalid(
                "BAD_CLOSE_AFTER",
                "close_after_seconds must be 0 to 31 days.",
                close_after_seconds=close_after_s,
            )
        deadline_s = (offer_deadline_ms or self._core.settings.offer_deadline_ms) / 1000
        now = self._core.clock()

        def begin(connection: Connection) -> int:
            row = connection.execute(
                select(months.c.month, months.c.state).order_by(months.c.month.desc()).limit(1)
            ).first()
            if row is not None and row.state != MonthState.CLOSED.value:
                raise precondition(
                    "MONTH_ALREADY_OPEN",
                    f"Month {row.month} is still {row.state}; close it first.",
                    month=row.month,
                )
            month = 1 if row is None else row.month + 1
            connection.execute(
                insert(months).values(
                    month=month,
                    state=MonthState.COLLECTING.value,
                    opened_at=now,
                    close_reason="",
                    expected_shoppers=expected_shoppers,
                    close_after_seconds=close_after_s,
                    skipped_manufacturers="",
                )
            )
            return month

        month = await self._core.writer.run(begin)
        self._core.book.reset(month, MonthState.COLLECTING, [])
        self._core.hub.month_changed()
        offered, skipped = await self.collector.collect(month, deadline_s)
        for name in skipped:
            logger.warning("month %d: manufacturer %s skipped (no offer in time)", month, name)

        def go_open(connection: Connection) -> None:
            connection.execute(
                update(months)
                .where(months.c.month == month)
                .values(state=MonthState.OPEN.value, skipped_manufacturers="\n".join(sorted(skipped)))
            )

        await self._core.writer.run(go_open)
        self._expected_shoppers = expected_shoppers
        lines = await self._load_book(month, MonthState.OPEN)
        if close_after_s:
            self._arm_timer(month, close_after_s)
        await self._core.events.publish(MonthOpened(month))
        logger.info("month %d open with %d stock lines", month, len(lines))
        return OpenedMonth(month, MonthState.OPEN, sorted(offered), sorted(skipped), len(lines))

    async def _load_book(self, month: int, state: MonthState) -> list[StockLine]:
        async with self._core.engine.connect() as connection:
            lines = await connection.run_sync(load_month_lines, month)
        self._core.book.reset(month, state, lines)
        self._core.hub.month_changed()
        return lines

    # -- offers -------------------------------------------------------------------
    async def submit_offer(
        self, manufacturer_name: str, month: int, lines: list[OfferLineInput]
    ) -> list[StockLine]:
        """Records a manufacturer's offer for the current month."""
        clean = validate_offer(lines)
        now = self._core.clock()
        created = await self._core.writer.run(
            lambda connection: record_offer(connection, manufacturer_name, month, clean, now)
        )
        book = self._core.book
        if book.month == month and book.state is MonthState.OPEN:
            fresh = [line for line in created if line.stock_line_id not in book.lines]
            for line in fresh:
                book.lines[line.stock_line_id] = line
            self._core.hub.changed([line.stock_line_id for line in fresh])
        return created

    # -- shoppers -----------------------------------------------------------------
    async def finish_shopping(self, customer_id: str, month: int) -> int:
        """Records that a shopper is done with ``month``; closes it when all expected are done."""
        now = self._core.clock()

        def finish(connection: Connection) -> tuple[int, str]:
            state = connection.execute(select(months.c.state).where(months.c.month == month)).scalar()
            if state is None:
                raise failures.month_not_open(month, "unknown")
            done = connection.execute(
                select(finished_shoppers.c.customer_id).where(
                    finished_shoppers.c.month == month,
                    finished_shoppers.c.customer_id == customer_id,
                )
            ).first()
            if done is None and state == MonthState.OPEN.value:
                connection.execute(
                    insert(finished_shoppers).values(month=month, customer_id=customer_id, at=now)
                )
            count = connection.execute(
                select(func.count()).select_from(finished_shoppers).where(finished_shoppers.c.month == month)
            ).scalar_one()
            return int(count), str(state)

        count, state = await self._core.writer.run(finish)
        if state == MonthState.OPEN.value and self._expected_shoppers and count >= self._expected_shoppers:
            self.close_soon(CloseReason.SHOPPERS_DONE)
        return count

    def after_sales(self) -> None:
        """Closes the month once every unit of every line is sold."""
        if self._core.book.state is MonthState.OPEN and self._core.book.sold_out():
            self.close_soon(CloseReason.SOLD_OUT)

    # -- close --------------------------------------------------------------------
    def close_soon(self, reason: CloseReason) -> None:
        """Starts closing the current month in the background (at most one close at a time)."""
        if self._closing is not None and not self._closing.done():
            return
        month = self._core.book.month
        self._closing = asyncio.create_task(self._close_quietly(month, reason))

    async def _close_quietly(self, month: int, reason: CloseReason) -> None:
        try:
            await self.close_month(month, reason)
        except DomainError as error:
            logger.info("month %d not closed (%s): %s", month, reason.value, error.message)
        except Exception:
            logger.exception("closing month %d failed", month)

    def _arm_timer(self, month: int, delay_s: float) -> None:
        if self._timer is not None:
            self._timer.cancel()

        async def fire() -> None:
            await asyncio.sleep(delay_s)
            self.close_soon(CloseReason.DEADLINE)

        self._timer = asyncio.create_task(fire())

    async def close_month(self, month: int, reason: CloseReason) -> MonthStatusView:
        """Closes ``month``: releases reservations, returns unsold goods, stores each line's result."""
        now = self._core.clock()
        hooks = list(self.close_hooks)

        def close(connection: Connection) -> None:
            state = connection.execute(select(months.c.state).where(months.c.month == month)).scalar()
            if state != MonthState.OPEN.value:
                raise failures.month_not_open(month, state or "unknown")
            outcomes = _release_and_settle(connection, month, now)
            if outcomes:
                connection.execute(
                    insert(month_results),
                    [
                        {
                            "month": month,
                            "manufacturer_id": o.manufacturer_id,
                            "product": o.product,
                            "offered": o.offered,
                            "sold": o.sold,
                            "revenue_cents": o.revenue_cents,
                            "unsold": o.unsold,
                            "unmet_demand": o.unmet_demand,
                        }
                        for o in outcomes
                    ],
                )
            connection.execute(
                update(months)
                .where(months.c.month == month)
                .values(state=MonthState.CLOSED.value, closed_at=now, close_reason=reason.value)
            )
            for hook in hooks:
                hook(connection, month, outcomes, now)

        await self._core.writer.run(close)
        if self._timer is not None and asyncio.current_task() is not self._timer:
            self._timer.cancel()
        await self._load_book(month, MonthState.CLOSED)
        await self._core.events.publish(MonthClosed(month, reason.value))
        logger.info("month %d closed (%s)", month, reason.value)
        return await self.status(month)

    # -- status -------------------------------------------------------------------
    async def status(self, month: int) -> MonthStatusView:
        """The month's state, lines, orders, revenue and (once closed) results."""
        if month < 0:
            raise invalid("BAD_MONTH", f"Month must be 0 (current) or positive; got {month}.", month=month)
        async with self._core.engine.connect() as connection:
            return await connection.run_sync(_read_status, month)


def _release_and_settle(connection: Connection, month: int, now: datetime) -> list[ProductOutcome]:
    line_ids = select(stock_lines.c.stock_line_id).where(stock_lines.c.month == month)
    live = connection.execute(
        select(reservations.c.reservation_id, reservations.c.stock_line_id, reservations.c.quantity).where(
            reservations.c.state == "active", reservations.c.stock_line_id.in_(line_ids)
        )
    ).all()
    connection.execute(
        update(reservations)
        .where(
            reservations.c.state.in_(("active", "expired")),
            reservations.c.stock_line_id.in_(line_ids),
        )
        .values(state="released")
    )
    statements.unreserve_per_line(connection, [(r.stock_line_id, r.quantity) for r in live])
    moves = [
        MovementRow(
            r.stock_line_id,
            Movement.RELEASED,
            r.quantity,
            "central",
            "month closed",
            r.reservation_id,
        )
        for r in live
    ]
    unmet = dict(
        connection.execute(
            select(unmet_demand.c.stock_line_id, func.sum(unmet_demand.c.quantity))
            .where(unmet_demand.c.month == month)
            .group_by(unmet_demand.c.stock_line_id)
        ).all()
    )
    outcomes: list[ProductOutcome] = []
    for line in load_month_lines(connection, month):
        unsold = line.offered - line.sold
        if unsold:
            moves.append(
                MovementRow(
                    line.stock_line_id,
                    Movement.RETURNED,
                    unsold,
                    "central",
                    "unsold goods stay with the manufacturer",
                )
            )
        outcomes.append(
            ProductOutcome(
                line.manufacturer_id,
                line.manufacturer_name,
                line.product,
                line.offered,
                line.sold,
                line.sold * line.unit_price_cents,
                unsold,
                int(unmet.get(line.stock_line_id, 0)),
            )
        )
    movements.append(connection, moves, now)
    return outcomes


def _read_status(connection: Connection, month: int) -> MonthStatusView:
    query = select(months)
    query = query.where(months.c.month == month) if month else query.order_by(months.c.month.desc()).limit(1)
    row = connection.execute(query).first()
    if row is None:
        if month:
            raise failures.month_not_open(month, "unknown")
        return MonthStatusView(0, MonthState.CLOSED, [], 0, 0, [], 0, 0, None, None, "")
    month = row.month
    order_count, revenue = connection.execute(
        select(func.count(), func.coalesce(func.sum(orders.c.total_cents), 0)).where(orders.c.month == month)
    ).one()
    finished = connection.execute(
        select(func.count()).select_from(finished_shoppers).where(finished_shoppers.c.month == month)
    ).scalar_one()
    unmet = connection.execute(
        select(func.coalesce(func.sum(unmet_demand.c.quantity), 0)).where(unmet_demand.c.month == month)
    ).scalar_one()
    results = [
        ProductOutcome(
            r.manufacturer_id,
            r.name,
            r.product,
            r.offered,
            r.sold,
            r.revenue_cents,
            r.unsold,
            r.unmet_demand,
        )
        for r in connection.execute(
            select(month_results, manufacturers.c.name)
            .join(manufacturers, manufacturers.c.manufacturer_id == month_results.c.manufacturer_id)
            .where(month_results.c.month == month)
            .order_by(manufacturers.c.name, month_results.c.product)
        )
    ]
    return MonthStatusView(
        month,
        MonthState(row.state),
        load_month_lines(connection, month),
        int(order_count),
        int(revenue),
        [name for name in row.skipped_manufacturers.split("\n") if name],
        int(finished),
        int(unmet),
        row.opened_at,
        row.closed_at,
        row.close_reason,
        results,
    )
