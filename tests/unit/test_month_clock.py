"""The month's clock: time paused and the deadline moved by it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from central.domain.month_clock import MonthClock

OPENED = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def test_a_running_clock_closes_at_its_length_plus_the_pauses_before() -> None:
    clock = MonthClock(OPENED, 60, 2_500, None)
    assert not clock.paused
    assert clock.deadline(OPENED + timedelta(hours=1)) == OPENED + timedelta(seconds=62.5)
    assert clock.resumed_ms(OPENED + timedelta(hours=1)) == 2_500


def test_a_paused_clock_counts_the_pause_in_progress() -> None:
    clock = MonthClock(OPENED, 60, 1_000, OPENED + timedelta(seconds=10))
    now = OPENED + timedelta(seconds=14)
    assert clock.paused
    assert clock.paused_for(now) == timedelta(seconds=5)
    assert clock.deadline(now) == OPENED + timedelta(seconds=65)
    assert clock.resumed_ms(now) == 5_000


def test_no_length_no_deadline_and_a_clock_behind_the_pause_adds_nothing() -> None:
    assert MonthClock(OPENED, 0, 0, None).deadline(OPENED) is None
    early = MonthClock(OPENED, 60, 0, OPENED + timedelta(seconds=10))
    assert early.paused_for(OPENED) == timedelta(0)
