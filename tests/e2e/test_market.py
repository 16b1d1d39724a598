"""Six months of the default seed through run.py: the recommendations steer production, the gap shrinks."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e

# The default seed, manufacturers and customers; no branches, whose reorders follow their own
# clock rather than the market model, and short months: what each shopper wants each month is
# fixed by the seed, and every want is asked for well before a month closes, so the month
# reports (sold + unmet per product) and the production they steer do not depend on timing.
# No web node: on a loaded machine its start and its polls cost the first 3-second month shoppers.
SIX_MONTHS = ["--months", "6", "--branches", "0", "--pace", "brisk", "--month-seconds", "3", "--quiet",
              "--no-web"]  # fmt: skip
RUN_TIMEOUT_S = 90.0


def run_six_months(run_dir: Path) -> dict[str, object]:
    env = {**os.environ, "DISTRIBUTION_NO_BOOTSTRAP": "1", "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "--run-dir", str(run_dir), *SIX_MONTHS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"run.py failed:\n{done.stdout}\n{done.stderr}"
    report: dict[str, object] = json.loads((run_dir / "report.json").read_text())
    return report


def test_six_default_months_show_the_production_gap_shrinking(tmp_path: Path) -> None:
    report = run_six_months(tmp_path / "run")

    months = report["months"]
    assert isinstance(months, list) and len(months) == 6
    gaps = [m["gap"]["units"] for m in months]
    demand = [m["gap"]["demand"] for m in months]
    # The market is steady: every month asks for about the same, whatever was on offer.
    assert max(demand) - min(demand) < 0.2 * statistics.mean(demand), demand
    # Month 1 is produced blind; from then on production follows the recommendations.
    assert statistics.mean(gaps[3:]) < statistics.mean(gaps[:2]), gaps
    assert gaps[0] > 0
    for month in months:
        assert month["close_reason"] in {"deadline", "sold_out"}
        assert month["recommendations"], "every month report carries recommendations"
        # Only the central's deadline closed the month: every shopper was done by then.
        assert month["finished_shoppers"] == 8
    markdown = (tmp_path / "run" / "report.md").read_text()
    assert "## Production gap" in markdown
    assert "Production recommendations sent at the close:" in markdown
    assert "Sold-out timeline" in markdown
    assert "## Faults\n\nnone" in markdown
    for name in ("stock_and_sales.png", "stock_and_sales.svg", "branch_revenue.png", "branch_revenue.svg"):
        assert (tmp_path / "run" / name).stat().st_size > 0
