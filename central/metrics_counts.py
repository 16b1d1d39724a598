"""The central's figures counted from its database every 2 s: notices waiting, orders, unmet demand."""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import Gauge
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from central.service.book import StockBook
from central.storage.schema import manufacturers, notifications, orders, unmet_demand

logger = logging.getLogger(__name__)

# How often the outbox and the month's orders are counted: queries of their own, off every call's path.
OUTBOX_SAMPLE_S = 2.0

MONTH_ORDERS = Gauge(
    "distribution_month_orders", "Orders placed in the month (counted every 2 s).", ["month"]
)
MONTH_REVENUE = Gauge("distribution_month_revenue_cents", "The month's order revenue in cents.", ["month"])
MONTH_UNMET = Gauge(
    "distribution_month_unmet_demand_units", "Units asked for and not served in the month.", ["month"]
)
NOTICES_WAITING = Gauge(
    "distribution_outbox_notices_waiting", "Notices not yet acknowledged, by manufacturer.", ["manufacturer"]
)


def _waiting(connection: Connection) -> list[tuple[str, int]]:
    """(manufacturer, notices not acknowledged) for every manufacturer known to the central."""
    waiting = (
        select(notifications.c.manufacturer_id, func.count().label("n"))
        .where(notifications.c.acked_at.is_(None))
        .group_by(notifications.c.manufacturer_id)
        .subquery()
    )
    rows = connection.execute(
        select(manufacturers.c.name, func.coalesce(waiting.c.n, 0)).outerjoin(
            waiting, waiting.c.manufacturer_id == manufacturers.c.manufacturer_id
        )
    ).all()
    return [(str(name), int(count)) for name, count in rows]


def _month_figures(connection: Connection, month: int) -> tuple[int, int, int]:
    """(orders, revenue in cents, unmet units) of ``month``, as the month's status reads them."""
    count, revenue = connection.execute(
        select(func.count(), func.coalesce(func.sum(orders.c.total_cents), 0)).where(orders.c.month == month)
    ).one()
    unmet = connection.execute(
        select(func.coalesce(func.sum(unmet_demand.c.quantity), 0)).where(unmet_demand.c.month == month)
    ).scalar_one()
    return int(count), int(revenue), int(unmet)


def _sample(
    connection: Connection, month: int
) -> tuple[list[tuple[str, int]], dict[int, tuple[int, int, int]]]:
    # The month before too: its last orders may have come in after the previous count.
    months = [m for m in (month - 1, month) if m > 0]
    return _waiting(connection), {m: _month_figures(connection, m) for m in months}


async def count_from_database(engine: AsyncEngine, book: StockBook) -> None:
    """Counts the outbox and ``book``'s month's orders every ``OUTBOX_SAMPLE_S`` while the central runs."""
    while True:
        try:
            async with engine.connect() as connection:
                waiting, months = await connection.run_sync(_sample, book.month)
        except Exception as error:  # the database is gone for a moment, or closed at shutdown
            logger.debug("counting the outbox failed: %s", error)
        else:
            for name, count in waiting:
                NOTICES_WAITING.labels(name).set(count)
            for month, (count, revenue, unmet) in months.items():
                MONTH_ORDERS.labels(str(month)).set(count)
                MONTH_REVENUE.labels(str(month)).set(revenue)
                MONTH_UNMET.labels(str(month)).set(unmet)
        await asyncio.sleep(OUTBOX_SAMPLE_S)
