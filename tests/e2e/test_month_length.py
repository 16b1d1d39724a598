"""Months last their length: at the brisk and normal paces the default market's months close
by their deadline, and the same seed asks the same (the slow pace: ``test_month_length_slow.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.month_runs import run

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("pace", ["brisk", "normal"])
def test_most_months_close_by_their_deadline_at_every_pace(tmp_path: Path, pace: str) -> None:
    months = run(tmp_path / pace, "--pace", pace, "--months", "3")

    deadline = [m for m in months if m["close_reason"] == "deadline"]
    assert len(deadline) >= 2, [m["close_reason"] for m in months]


def test_the_same_seed_asks_and_sells_the_same(tmp_path: Path) -> None:
    # No branches: their reorders follow their own clock, not the seeded market.
    flags = ("--pace", "brisk", "--months", "2", "--branches", "0", "--seed", "7")
    first, second = run(tmp_path / "first", *flags), run(tmp_path / "second", *flags)

    assert [m["gap"] for m in first] == [m["gap"] for m in second]
    assert [m["sold"] for m in first] == [m["sold"] for m in second]
