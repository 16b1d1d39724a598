"""Months last their length at the slow pace: half a slow month's lines are still on sale at
half-time, and every slow month closes by its deadline.

Its own file (the brisk and normal paces are in ``test_month_length.py``): two slow months
hold a worker for over two minutes, and pytest-xdist hands a file to one worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.month_runs import RUN_TIMEOUT_S, on_sale_at, run

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(RUN_TIMEOUT_S + 30)
def test_a_slow_months_lines_last_past_half_time_and_it_closes_by_its_deadline(tmp_path: Path) -> None:
    months = run(tmp_path / "slow", "--pace", "slow", "--months", "2")

    for month in months:
        assert month["close_reason"] == "deadline", month["close_reason"]
        # A student who joins half-way finds at least half of the lines still on sale.
        assert on_sale_at(month, 30.0) >= 0.5, month["sellouts"]
