"""The month driver against a fake central: polls to CLOSED, the sold-out timeline, alerts, the backstop."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from distribution_client import ManufacturerInfo, MonthState
from launcher.months.central_client import OpenedMonth
from launcher.months.driver import CLOSE_GRACE_S, MonthPlan, run_month
from launcher.records.snapshots import (
    BranchAlertFigures,
    BranchDay,
    LineFigures,
    MonthFigures,
    MonthPhase,
)
from launcher.screen.board import Board

OPEN_STATUS = MonthFigures(
    month=4,
    state=MonthPhase.OPEN,
    stock_lines=(LineFigures(1, "Acme Foods", "apples", 150, 10, 1, 2, 7),),
    order_count=2,
    revenue_cents=300,
    skipped_manufacturers=(),
    finished_shoppers=0,
    unmet_demand=0,
    opened_at="2030-01-01T00:00:00+00:00",
    closed_at=None,
    manufacturer_results=(),
    close_reason="",
)
CLOSED_STATUS = replace(OPEN_STATUS, state=MonthPhase.CLOSED, close_reason="shoppers_done")


@dataclass
class FakeCentral:
    """Answers with scripted statuses and records what it was asked; time is fake."""

    statuses: list[MonthFigures]
    now: float = 0.0
    calls: list[str] = field(default_factory=list)
    closed: bool = False
    pending: list[int] = field(default_factory=lambda: [0])
    alerts: list[tuple[BranchAlertFigures, ...]] = field(default_factory=lambda: [()])

    def clock(self) -> float:
        return self.now

    async def open_month(
        self, offer_deadline_ms: int, expected_shoppers: int, close_after_seconds: int
    ) -> OpenedMonth:
        self.calls.append(f"open {offer_deadline_ms} {expected_shoppers} {close_after_seconds}")
        return OpenedMonth(4, MonthState.OPEN, ("Acme Foods",), ("Borealis Tools",), 1)

    async def month_status(self, month: int) -> MonthFigures:
        self.calls.append(f"status {month}")
        self.now += 1.0  # each poll takes a second of fake time
        if self.closed:
            return CLOSED_STATUS
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    async def close_month(self, month: int) -> MonthFigures:
        self.calls.append(f"close {month}")
        self.closed = True
        return CLOSED_STATUS

    async def wait_for_reports_delivered(self, timeout_s: float) -> bool:
        self.calls.append("reports")
        return True

    async def branch_revenue(self) -> tuple[BranchDay, ...]:
        self.calls.append("branches")
        return (BranchDay("Toronto", "2030-01-01", 100, 0, 100, 1, False),)

    async def manufacturers(self) -> list[ManufacturerInfo]:
        self.calls.append("links")
        pending = self.pending.pop(0) if len(self.pending) > 1 else self.pending[0]
        return [ManufacturerInfo(1, "Acme Foods", True, None, pending)]

    async def low_stock_alert_figures(self) -> tuple[BranchAlertFigures, ...]:
        self.calls.append("alerts")
        return self.alerts.pop(0) if len(self.alerts) > 1 else self.alerts[0]

    def wall_clock(self) -> datetime:
        return datetime(2030, 1, 1, tzinfo=UTC) + timedelta(seconds=self.now)


SOLD_OUT = replace(OPEN_STATUS, stock_lines=(LineFigures(1, "Acme Foods", "apples", 150, 10, 0, 10, 0),))
ALERT = BranchAlertFigures("Toronto", "apples", 2, 3, "2030-01-01T00:00:01+00:00")


async def test_a_month_is_opened_followed_until_closed_and_recorded() -> None:
    central = FakeCentral([OPEN_STATUS, OPEN_STATUS, CLOSED_STATUS])
    plan = MonthPlan(month_seconds=8, expected_shoppers=5, with_branches=True)

    record = await run_month(central, plan, Board(), central.clock, 0)

    # The month runs its length: the central is not asked to close when the shoppers are done.
    assert central.calls == [
        "open 2000 0 8",
        "status 4",
        "alerts",
        "status 4",
        "alerts",
        "status 4",
        "alerts",
        "reports",
        "branches",
    ]
    assert record.status == CLOSED_STATUS
    assert record.offered_manufacturers == ("Acme Foods",)
    assert record.reports_delivered is True
    assert record.branch_days[0].branch_name == "Toronto"
    assert record.wall_seconds == 3.0


async def test_without_branches_their_revenue_is_not_asked_for() -> None:
    central = FakeCentral([CLOSED_STATUS])
    plan = MonthPlan(month_seconds=8, expected_shoppers=5, with_branches=False)

    record = await run_month(central, plan, Board(), central.clock, 0)

    assert "branches" not in central.calls
    assert record.branch_days == ()


async def test_the_launcher_closes_a_month_the_central_leaves_open_past_its_backstop() -> None:
    central = FakeCentral([OPEN_STATUS])
    plan = MonthPlan(month_seconds=2, expected_shoppers=1, with_branches=False)

    record = await run_month(central, plan, Board(), central.clock, 0)

    assert central.calls.count("close 4") == 1
    polls_before_close = central.calls.index("close 4") - 1
    assert polls_before_close == int(2 + CLOSE_GRACE_S) + 1
    assert record.status.state == "CLOSED"


async def test_the_timeline_has_when_a_line_sold_out_and_when_its_manufacturer_had_been_told() -> None:
    # Sold out at the second poll; the depletion notice is still pending at that poll and
    # acknowledged by the third.
    central = FakeCentral([OPEN_STATUS, SOLD_OUT, SOLD_OUT, CLOSED_STATUS], pending=[1, 0])
    plan = MonthPlan(month_seconds=8, expected_shoppers=5, with_branches=False)

    record = await run_month(central, plan, Board(), central.clock, 0, central.wall_clock)

    (sellout,) = record.sellouts
    assert (sellout.product, sellout.manufacturer_name) == ("apples", "Acme Foods")
    assert (sellout.after_s, sellout.told_after_s) == (2.0, 3.0)
    assert sellout.at == "2030-01-01T00:00:02+00:00"
    assert sellout.told_at == "2030-01-01T00:00:03+00:00"
    assert record.trading_started_at == "2030-01-01T00:00:00+00:00"
    assert central.calls.count("links") == 2  # asked only while someone has not been told


async def test_alerts_seen_during_the_month_and_the_reorders_that_cleared_them() -> None:
    other = BranchAlertFigures("Ottawa", "pears", 0, 3, "2030-01-01T00:00:02+00:00")
    central = FakeCentral(
        [OPEN_STATUS, OPEN_STATUS, CLOSED_STATUS], alerts=[(ALERT,), (ALERT, other), (other,)]
    )
    plan = MonthPlan(month_seconds=8, expected_shoppers=5, with_branches=True)

    record = await run_month(central, plan, Board(), central.clock, 0)

    assert [(a.branch_name, a.product, a.cleared_after_s) for a in record.alerts] == [
        ("Ottawa", "pears", None),
        ("Toronto", "apples", 3.0),
    ]
