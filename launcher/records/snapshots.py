"""Plain, JSON-ready records of what the launcher saw, made from the client package's records.

A product's month (``ProductOutcome``) and a branch's day (``BranchDay``) are the client
package's own records, already plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from distribution_client import BranchDay as BranchDay
from distribution_client import ProductOutcome as ProductOutcome


class MonthPhase(StrEnum):
    """A month's state by its name in upper case, as report.json and the dashboard show it.

    The client's ``MonthState`` by name: its values are lower case and not text, so it would
    neither print nor go into JSON as the report has it (``"state": "OPEN"``).
    """

    UNSPECIFIED = "UNSPECIFIED"
    COLLECTING = "COLLECTING"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


@dataclass(frozen=True, slots=True)
class LineFigures:
    """One stock line and its counters."""

    stock_line_id: int
    manufacturer_name: str
    product: str
    unit_price_cents: int
    offered: int
    reserved: int
    sold: int
    available: int


@dataclass(frozen=True, slots=True)
class AdviceFigures:
    """What the central told a manufacturer to produce of one product for the next month."""

    product: str
    recommended_quantity: int
    priority: str
    daily_demand_milli: int


@dataclass(frozen=True, slots=True)
class MakerOutcome:
    """One manufacturer's results for a closed month, and the advice its report carried."""

    manufacturer_name: str
    products: tuple[ProductOutcome, ...]
    advice: tuple[AdviceFigures, ...] = ()

    def total(self, attribute: str) -> int:
        """Sum of one ProductOutcome counter over the products."""
        return sum(int(getattr(p, attribute)) for p in self.products)


def pending(day: BranchDay) -> bool:
    """True while the branch has not reported the day yet, as far as the central's figures tell.

    No RPC says whether the branch has reported the day yet; a day with nothing reported and
    no mismatch flag is taken as not reported yet: a report that disagrees with the streamed
    sales, zero included, is flagged.
    """
    return day.revenue_cents == 0 and day.loss_cents == 0 and not day.flagged


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """The client's ``MonthStatus`` as report.json keeps it and the screen shows it.

    Not a copy of it: times are ISO-8601 text, the state is a ``MonthPhase``, lines
    (``LineFigures``) leave out their month and advice its priority's enum, and the month's
    deadline (``paused_at``, ``close_after_seconds``, ``closes_at``) is left out; report.json
    is ``dataclasses.asdict`` of it, so a field here is a field there.
    """

    month: int
    state: MonthPhase
    stock_lines: tuple[LineFigures, ...]
    order_count: int
    revenue_cents: int
    skipped_manufacturers: tuple[str, ...]
    finished_shoppers: int
    unmet_demand: int
    opened_at: str | None
    closed_at: str | None
    manufacturer_results: tuple[MakerOutcome, ...]
    close_reason: str
    # Customers who put something in a cart this month (the simulated ones and any person).
    shopper_names: tuple[str, ...] = ()
    # Days of demand the advice produces for, and the months it averages over (once closed).
    recommendation_horizon_days: int = 0
    recommendation_window: tuple[int, ...] = ()
    # The month's clock: whether the operator has it paused, and the time paused so far.
    paused: bool = False
    paused_ms: int = 0

    @property
    def offered(self) -> int:
        """Units offered over all lines."""
        return sum(line.offered for line in self.stock_lines)

    @property
    def reserved(self) -> int:
        """Units held in carts over all lines."""
        return sum(line.reserved for line in self.stock_lines)

    @property
    def sold(self) -> int:
        """Units sold over all lines."""
        return sum(line.sold for line in self.stock_lines)


@dataclass(frozen=True, slots=True)
class Sellout:
    """A stock line that sold out, and when its manufacturer had been told, as the launcher's polls saw it.

    Attributes:
        stock_line_id: The line.
        product: Its product.
        manufacturer_name: Its manufacturer.
        after_s: Seconds after the month opened at which a poll first saw it sold out.
        at: The same moment, ISO-8601 UTC.
        told_after_s: Seconds after the month opened at which a poll first saw the manufacturer
            with no unacknowledged notification (the depletion notice is written with the sale);
            None if not seen before the month's end.
        told_at: The same moment, ISO-8601 UTC, or None.
    """

    stock_line_id: int
    product: str
    manufacturer_name: str
    after_s: float
    at: str
    told_after_s: float | None = None
    told_at: str | None = None


@dataclass(frozen=True, slots=True)
class AlertSeen:
    """A branch's low-stock alert seen open during a month, and whether a reorder cleared it."""

    branch_name: str
    product: str
    quantity: int
    reorder_point: int
    raised_at: str | None
    cleared_after_s: float | None = None


@dataclass(frozen=True, slots=True)
class MonthRecord:
    """Everything the report keeps about one month."""

    status: MonthFigures
    offered_manufacturers: tuple[str, ...]
    wall_seconds: float
    reports_delivered: bool
    branch_days: tuple[BranchDay, ...] = ()
    # When the launcher saw the month open (ISO-8601 UTC); the timeline counts from it.
    trading_started_at: str | None = None
    sellouts: tuple[Sellout, ...] = ()
    alerts: tuple[AlertSeen, ...] = ()


@dataclass(frozen=True, slots=True)
class Tally:
    """Per-manufacturer counters summed over its stock lines."""

    offered: int = 0
    reserved: int = 0
    sold: int = 0


@dataclass(frozen=True, slots=True)
class Totals:
    """The whole run's figures."""

    months: int
    offered: int
    sold: int
    unsold: int
    orders: int
    revenue_cents: int
    unmet_demand: int
    skipped_offers: int
    branch_revenue_cents: int = 0
    streamed_branch_revenue_cents: int = 0
    per_manufacturer_sold: dict[str, int] = field(default_factory=dict)


def tally_by_manufacturer(lines: Iterable[LineFigures]) -> dict[str, Tally]:
    """Offered, reserved and sold per manufacturer, in first-seen order."""
    tallies: dict[str, Tally] = {}
    for line in lines:
        t = tallies.get(line.manufacturer_name, Tally())
        tallies[line.manufacturer_name] = Tally(
            t.offered + line.offered, t.reserved + line.reserved, t.sold + line.sold
        )
    return tallies


def compute_totals(records: Sequence[MonthRecord]) -> Totals:
    """Sums the months; unsold comes from the month reports."""
    per_maker: dict[str, int] = {}
    unsold = 0
    for record in records:
        status = record.status
        for name, tally in tally_by_manufacturer(status.stock_lines).items():
            per_maker[name] = per_maker.get(name, 0) + tally.sold
        unsold += sum(m.total("unsold") for m in status.manufacturer_results)
    # Branch figures are cumulative per day, so the last month's rows hold them all.
    last_days = records[-1].branch_days if records else ()
    return Totals(
        months=len(records),
        offered=sum(r.status.offered for r in records),
        sold=sum(r.status.sold for r in records),
        unsold=unsold,
        orders=sum(r.status.order_count for r in records),
        revenue_cents=sum(r.status.revenue_cents for r in records),
        unmet_demand=sum(r.status.unmet_demand for r in records),
        skipped_offers=sum(len(r.status.skipped_manufacturers) for r in records),
        branch_revenue_cents=sum(d.revenue_cents for d in last_days),
        streamed_branch_revenue_cents=sum(d.streamed_revenue_cents for d in last_days),
        per_manufacturer_sold=per_maker,
    )


@dataclass(frozen=True, slots=True)
class BranchAlertFigures:
    """An open low-stock alert of a branch, as the central holds it (raised_at ISO-8601 text).

    The client's ``BranchAlert`` flattened for report.json and the screen's ticker.
    """

    branch_name: str
    product: str
    quantity: int
    reorder_point: int
    raised_at: str | None


@dataclass(frozen=True, slots=True)
class Gap:
    """How far a month's offers missed its demand: units left unsold plus units asked for in vain."""

    demand: int
    unsold: int
    unmet: int

    @property
    def units(self) -> int:
        """unsold + unmet."""
        return self.unsold + self.unmet


def production_gap(status: MonthFigures) -> Gap:
    """The month's gap from its month reports (sold + unmet is the demand the central saw)."""
    products = [p for maker in status.manufacturer_results for p in maker.products]
    return Gap(
        demand=sum(p.sold + p.unmet_demand for p in products),
        unsold=sum(p.unsold for p in products),
        unmet=sum(p.unmet_demand for p in products),
    )
