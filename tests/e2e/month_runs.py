"""Runs of run.py timed by their months, for the month-length tests: their months, lines on sale.

The sell-out moments come from the run's report (``sellouts``: seconds after the month opened).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

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
