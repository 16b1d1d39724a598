"""The central's own figures for Prometheus: units reserved, released and sold, the month, the writer.

Counted where the central already reports its changes (the stock book after each commit,
the event bus) and read from its state when scraped; nothing here is on a call's path
while metrics are off.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

from central.domain.months import MonthState
from central.domain.stock import StockLine
from central.metrics_counts import count_from_database
from central.service.book import StockBook
from central.service.events import Depleted, Event, EventBus, MonthClosed, MonthOpened
from central.service.months import MonthDesk
from central.storage.feed import ChangeFeed
from nodekit.db.writer import WriteQueue
from nodekit.observability.metrics_server import metrics_on

UNITS_RESERVED = Counter(
    "distribution_units_reserved", "Units put in carts (reservations made), by month.", ["month"]
)
UNITS_RELEASED = Counter(
    "distribution_units_released", "Reserved units given back (removed or expired), by month.", ["month"]
)
UNITS_SOLD = Counter("distribution_units_sold", "Units sold by checkouts, by month.", ["month"])
SOLD_OUT = Counter("distribution_sold_out_crossings", "Stock lines that sold out (their last unit sold).")
MONTHS = Counter("distribution_month_transitions", "Months opened and closed.", ["transition"])
# Batch sizes up to the writer's largest batches; commit times from a fraction of a millisecond.
BATCH_SIZE = Histogram(
    "distribution_writer_batch_size",
    "Writes per group-commit transaction.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
FEED_LAG = Histogram(
    "distribution_change_feed_lag_seconds",
    "Seconds from hearing another central's commit (PostgreSQL NOTIFY) to having applied it here.",
    buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
COMMIT_SECONDS = Histogram(
    "distribution_writer_commit_seconds",
    "Seconds one group-commit transaction took to apply and commit.",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)


@functools.cache
def _month_counters(month: int) -> tuple[Any, Any, Any]:
    """The month's reserved, released and sold counters (looked up once: ``labels`` takes a lock)."""
    label = str(month)
    return UNITS_RESERVED.labels(label), UNITS_RELEASED.labels(label), UNITS_SOLD.labels(label)


def _moved(month: int, reserved: int, sold: int) -> None:
    """One committed change of a line: a checkout turns reserved units into sold ones."""
    units_reserved, units_released, units_sold = _month_counters(month)
    if sold > 0:
        units_sold.inc(sold)
    elif reserved > 0:
        units_reserved.inc(reserved)
    elif reserved < 0:
        units_released.inc(-reserved)


def _committed(size: int, seconds: float) -> None:
    BATCH_SIZE.observe(size)
    COMMIT_SECONDS.observe(seconds)


def _on_event(event: Event) -> None:
    if isinstance(event, Depleted):
        SOLD_OUT.inc()
    elif isinstance(event, MonthOpened):
        MONTHS.labels("opened").inc()
    elif isinstance(event, MonthClosed):
        MONTHS.labels("closed").inc()


class _CentralState(Collector):
    """The month and its stock as the book holds them, and the group-commit writer's totals."""

    def __init__(self, book: StockBook, writer: WriteQueue, clock: Callable[[], datetime]) -> None:
        self.book = book
        self.writer = writer
        self.clock = clock
        self.months: MonthDesk | None = None

    def collect(self) -> Iterator[Metric]:
        book = self.book
        yield GaugeMetricFamily("distribution_month", "The current month's number.", value=book.month)
        states = GaugeMetricFamily(
            "distribution_month_state", "1 for the current month's state.", labels=["state"]
        )
        for state in MonthState:
            states.add_metric([state.value], 1.0 if book.state is state else 0.0)
        yield states
        closes_at = self.months.closes_at() if self.months is not None else None
        if closes_at is not None:
            left = max(0.0, (closes_at - self.clock()).total_seconds())
            yield GaugeMetricFamily(
                "distribution_month_seconds_left", "Seconds until the open month's deadline.", value=left
            )
        yield GaugeMetricFamily(
            "distribution_month_paused", "1 while the month's clock is paused.", value=book.paused
        )
        # Scrapes run on prometheus-client's thread: a copy, in case the loop changes the book meanwhile.
        lines = _snapshot(book.lines)
        stock = GaugeMetricFamily(
            "distribution_stock_units", "The current month's units.", labels=["counter"]
        )
        stock.add_metric(["offered"], sum(line.offered for line in lines))
        stock.add_metric(["reserved"], sum(line.reserved for line in lines))
        stock.add_metric(["sold"], sum(line.sold for line in lines))
        yield stock
        yield GaugeMetricFamily(
            "distribution_stock_lines_sold_out",
            "The current month's lines with every unit sold.",
            value=sum(1 for line in lines if line.offered and line.sold >= line.offered),
        )
        yield CounterMetricFamily(
            "distribution_units_expired",
            "Reserved units released because their hold expired (also in units released).",
            value=book.expired,
        )
        writer = self.writer
        yield CounterMetricFamily(
            "distribution_writer_batches",
            "Transactions the group-commit writer committed.",
            value=writer.batches,
        )
        yield CounterMetricFamily(
            "distribution_writer_operations",
            "Writes committed (operations / batches = the mean batch size).",
            value=writer.operations,
        )
        yield GaugeMetricFamily(
            "distribution_writer_backlog", "Writes waiting for the next batch.", value=writer.backlog
        )


def _snapshot(lines: dict[int, StockLine]) -> list[StockLine]:
    for _ in range(3):
        try:
            return list(lines.values())
        except RuntimeError:  # changed size while copied
            continue
    return []


_state: _CentralState | None = None


def observe_central(
    engine: AsyncEngine,
    writer: WriteQueue,
    book: StockBook,
    events: EventBus,
    clock: Callable[[], datetime],
) -> None:
    """Counts the central's changes and exposes its state, when this process serves metrics."""
    global _state
    if not metrics_on():
        return
    book.moved = _moved
    writer.committed = _committed
    events.subscribe(_on_event)
    if _state is None:
        _state = _CentralState(book, writer, clock)
        REGISTRY.register(_state)
    _state.book, _state.writer, _state.clock = book, writer, clock
    _state.months = None
    task = asyncio.get_running_loop().create_task(count_from_database(engine, book), name="metrics-counts")
    _counting.add(task)
    task.add_done_callback(_counting.discard)


_counting: set[asyncio.Task[None]] = set()


def observe_feed(feed: ChangeFeed) -> None:
    """Times how long this central takes to apply what other centrals committed (several centrals only)."""
    if metrics_on():
        feed.applied = FEED_LAG.observe


def observe_months(months: MonthDesk) -> None:
    """Adds the open month's time left, once the central's month desk exists."""
    if _state is not None and metrics_on():
        _state.months = months
