"""The run as the launcher follows it: month polls, links, alerts, branches, faults and the ticker."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from distribution_client import ManufacturerInfo
from launcher.records.faults import FaultRecord
from launcher.records.join import JoinInfo
from launcher.records.rate import RateMeter
from launcher.records.snapshots import (
    BranchAlertFigures,
    BranchDay,
    MonthFigures,
    MonthRecord,
    Totals,
    compute_totals,
)
from launcher.screen.ticker import Kind, Ticker, TickerEvent, alert_changes, link_changes, sold_out

Listener = Callable[[TickerEvent], None]


@dataclass(frozen=True, slots=True)
class Roster:
    """Who the launcher started, as the dashboard names them."""

    manufacturers: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    customers: int = 0
    months: int = 0
    customer_names: tuple[str, ...] = ()


@dataclass(slots=True)
class MonthNow:
    """The month being traded, from the month driver's polls."""

    backstop_s: float = 0.0
    expected_shoppers: int = 0
    elapsed_s: float = 0.0
    snapshot: MonthFigures | None = None
    order_rate: float = 0.0
    meter: RateMeter = field(default_factory=RateMeter)


class Board:
    """Everything the dashboard shows; it is also the month driver's view (``LiveProgress``).

    Events (sold out, manufacturer told, reorders, links, faults) go to the ticker and to
    every listener, e.g. the plain log when there is no terminal.

    Args:
        cast: Who takes part.
        now: The wall clock, for the ticker's times.
    """

    def __init__(self, cast: Roster | None = None, now: Callable[[], datetime] = datetime.now) -> None:
        self._now = now
        self.cast = cast or Roster()
        self.join: JoinInfo | None = None
        self.month = MonthNow()
        self.records: list[MonthRecord] = []
        self.links: dict[str, ManufacturerInfo] = {}
        self.alerts: tuple[BranchAlertFigures, ...] = ()
        self.branch_days: tuple[BranchDay, ...] = ()
        self.branch_polls = 0
        # None until the first poll answered or failed.
        self.central_up: bool | None = None
        # Several centrals: each one's own health by address (empty with one central).
        self.centrals: dict[str, bool] = {}
        self.faults: list[FaultRecord] = []
        self.processes = 0
        self.restarts = 0
        self.ticker = Ticker()
        self._listeners: list[Listener] = []
        self._changed = asyncio.Event()
        # Manufacturer -> products seen sold out whose depletion notice it has not acknowledged yet.
        self._untold: dict[str, list[str]] = {}
        self._linked: set[str] = set()

    async def until(self, condition: Callable[[], bool]) -> None:
        """Returns once ``condition()`` holds, checked after every change to the board."""
        while not condition():
            await self._changed.wait()

    def _touch(self) -> None:
        # Wakes every waiter in ``until``; a fresh event catches the next change.
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def listen(self, listener: Listener) -> None:
        """Calls ``listener`` with every event from now on."""
        self._listeners.append(listener)

    def event(self, kind: Kind, text: str) -> None:
        """Adds an event to the ticker and tells the listeners."""
        event = TickerEvent(self._now(), kind, text)
        self.ticker.add(event)
        for listener in self._listeners:
            listener(event)
        self._touch()

    # The month driver's view.

    def begin(self, backstop_s: float, expected_shoppers: int) -> None:
        """A month opened."""
        self.month = MonthNow(backstop_s=backstop_s, expected_shoppers=expected_shoppers)
        self._touch()

    def update(self, snapshot: MonthFigures, elapsed_s: float) -> None:
        """One poll of the month's status: rates, and the lines that sold out since the last one."""
        month = self.month
        before = month.snapshot
        if before is None:
            self.event(Kind.MONTH, f"Month {snapshot.month} open: {snapshot.offered} units offered")
        for line in sold_out(before.stock_lines if before else (), snapshot.stock_lines):
            self.event(Kind.SOLD_OUT, f"{line.product} ({line.manufacturer_name}) sold out")
            self._untold.setdefault(line.manufacturer_name, []).append(line.product)
        month.order_rate = month.meter.add(elapsed_s, snapshot.order_count)
        month.elapsed_s = elapsed_s
        month.snapshot = snapshot
        self._touch()

    def end(self) -> None:
        """The month closed."""
        snapshot = self.month.snapshot
        if snapshot is not None:
            self.event(
                Kind.MONTH,
                f"Month {snapshot.month} closed ({snapshot.close_reason or 'closed'}): "
                f"sold {snapshot.sold}/{snapshot.offered}",
            )

    # What else the launcher learns.

    @property
    def by_hand(self) -> tuple[str, ...]:
        """This month's shoppers the launcher did not start: people who joined (a branch is "branch X")."""
        snapshot = self.month.snapshot
        if snapshot is None:
            return ()
        started = set(self.cast.customer_names) | {f"branch {name}" for name in self.cast.branches}
        return tuple(name for name in snapshot.shopper_names if name not in started)

    def joined(self, info: JoinInfo) -> None:
        """The central serves; this is how people join."""
        self.join = info
        self.central_seen(True)

    def children_started(self, count: int) -> None:
        """``count`` child processes run."""
        self.processes = count
        self._touch()

    def restarted(self) -> None:
        """A child killed on purpose was started again."""
        self.restarts += 1
        self._touch()

    def month_closed(self, record: MonthRecord) -> None:
        """A month's record is complete (its reports delivered, its branch figures read)."""
        self.records.append(record)
        self._touch()

    def links_seen(self, links: Sequence[ManufacturerInfo]) -> None:
        """A poll of ListManufacturers: links lost and back, depletion notices acknowledged."""
        for link in link_changes(self.links, links):
            # A manufacturer's first connection at start is no news; later ones are.
            if link.name in self._linked:
                self.event(Kind.LINK, f"{link.name}: link {'back' if link.connected else 'lost'}")
        self._linked |= {link.name for link in links if link.connected}
        self.links = {link.name: link for link in links}
        for name, products in list(self._untold.items()):
            known = self.links.get(name)
            if known is not None and known.connected and known.pending_notifications == 0:
                self.event(Kind.TOLD, f"{name} told: {', '.join(products)} sold out")
                del self._untold[name]
        self._touch()

    def alerts_seen(self, alerts: Sequence[BranchAlertFigures]) -> None:
        """A poll of the open low-stock alerts: reorders raised and filled."""
        raised, closed = alert_changes(self.alerts, alerts)
        for alert in raised:
            self.event(
                Kind.REORDER,
                f"{alert.branch_name} low on {alert.product} ({alert.quantity} <= "
                f"{alert.reorder_point}): reorder",
            )
        for alert in closed:
            self.event(Kind.REORDER, f"{alert.branch_name} restocked {alert.product}")
        self.alerts = tuple(alerts)
        self._touch()

    def branches_seen(self, days: Sequence[BranchDay]) -> None:
        """A poll of the branches' figures per day."""
        self.branch_days = tuple(days)
        self.branch_polls += 1
        self._touch()

    def central_seen(self, up: bool) -> None:
        """Whether the last poll of the central was answered."""
        self.central_up = up
        self._touch()

    def centrals_seen(self, serving: dict[str, bool]) -> None:
        """A health poll of each of several centrals; a change of one is news on the ticker."""
        for address, up in serving.items():
            if self.centrals.get(address, True) != up:
                self.event(Kind.LINK, f"central {address} {'SERVING again' if up else 'not answering'}")
        self.centrals = dict(serving)
        self._touch()

    def fault(self, record: FaultRecord, how: str = "") -> None:
        """A fault was injected (``recovered_at`` None) or its node is back (the same fault, updated).

        Args:
            record: The fault.
            how: For a recovery, what showed the node was back (e.g. "health SERVING").
        """
        for index, known in enumerate(self.faults):
            if (known.at, known.node) == (record.at, record.node):
                self.faults[index] = record
                break
        else:
            self.faults.append(record)
        if record.recovered_at is None:
            self.event(Kind.FAULT, f"{record.kind} {record.node} ({record.detail})")
        else:
            took = (record.recovered_at - record.at).total_seconds()
            self.event(Kind.RECOVERY, f"{record.node} back after {took:.1f}s" + (f": {how}" if how else ""))

    def totals(self) -> Totals:
        """The run's totals so far: the closed months and the month being traded."""
        snapshot = self.month.snapshot
        closed = {record.status.month for record in self.records}
        if snapshot is None or snapshot.month in closed:
            return compute_totals(self.records)
        current = MonthRecord(
            status=snapshot, offered_manufacturers=(), wall_seconds=0.0, reports_delivered=False
        )
        return dataclasses.replace(compute_totals([*self.records, current]), months=len(self.records))

    def branch_revenue_cents(self) -> int:
        """Every branch's streamed revenue over every day so far."""
        return sum(day.streamed_revenue_cents for day in self.branch_days)

    def today(self) -> tuple[BranchDay, ...]:
        """Each branch's latest business day."""
        latest: dict[str, BranchDay] = {}
        for day in self.branch_days:
            if day.branch_name not in latest or day.business_day >= latest[day.branch_name].business_day:
                latest[day.branch_name] = day
        return tuple(latest[name] for name in sorted(latest))
