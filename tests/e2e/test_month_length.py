"""Months last their length: at every pace the default market's months close by their deadline,
half a slow month's lines are still on sale at half-time, and the same seed asks the same.

The sell-out moments come from the run's report (``sellouts``: seconds after the month opened).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e

RUN_TIMEOUT_S = 300.0


def run(run_dir: Path, *flags: str) -> list[dict[str, object]]:
    """run.py --quiet --no-web with ``flags``; the report's months."""
    env = {**os.environ, "DISTRIBUTION_NO_BOOTSTRAP": "1", "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, str(ROOT / "run.py"), "--run-dir", str(run_dir), "--quiet", "--no-web", *flags]
    done = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    assert done.returncode == 0, f"run.py failed:\n{done.stdout}\n{done.stderr}"
    months: list[dict[str, object]] = json.loads((run_dir / "report.json").read_text())["months"]
    return months


def on_sale_at(month: dict[str, object], seconds: float) -> float:
    """The share of the month's lines not yet sold out ``seconds`` after it opened."""
    lines = month["stock_lines"]
    sellouts = month["sellouts"]
    assert isinstance(lines, list) and isinstance(sellouts, list) and lines
    gone = sum(1 for sellout in sellouts if float(sellout["after_s"]) < seconds)
    return 1 - gone / len(lines)


@pytest.mark.timeout(RUN_TIMEOUT_S + 30)
def test_a_slow_months_lines_last_past_half_time_and_it_closes_by_its_deadline(tmp_path: Path) -> None:
    months = run(tmp_path / "slow", "--pace", "slow", "--months", "2")

    for month in months:
        assert month["close_reason"] == "deadline", month["close_reason"]
        # A student who joins half-way finds at least half of the lines still on sale.
        assert on_sale_at(month, 30.0) >= 0.5, month["sellouts"]


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
