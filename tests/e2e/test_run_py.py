"""`python run.py` end to end: real processes, the report against the database, failures, cleanup."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nodekit.ports import free_port
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e

# Months run their full length now: short ones, with brisk shoppers done well before the close.
SMALL = ["--months", "2", "--customers", "3", "--manufacturers", "2", "--branches", "0",
         "--pace", "brisk", "--month-seconds", "2", "--quiet"]  # fmt: skip
# Far more months than the test lets happen: the run is stopped while it is busy.
LONG = ["--months", "100", "--customers", "3", "--manufacturers", "2", "--branches", "0",
        "--month-seconds", "30"]  # fmt: skip
RUN_TIMEOUT_S = 90.0


@dataclass
class Run:
    """A finished (or killed) run.py and what it left in its run dir."""

    run_dir: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.run_dir / "report.json").read_text())
        return data

    @property
    def child_pids(self) -> dict[str, int]:
        pids = json.loads((self.run_dir / "pids.json").read_text())
        return {slug: int(child["pid"]) for slug, child in pids["children"].items()}


def alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie no one has reaped yet counts as gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@contextlib.contextmanager
def run_py(run_dir: Path, *flags: str) -> Iterator[subprocess.Popen[bytes]]:
    """Starts ``run.py`` (never leaving it running, whatever the test does)."""
    # The test runs inside an environment already; no .venv bootstrap in the child.
    env = {**os.environ, "DISTRIBUTION_NO_BOOTSTRAP": "1", "PYTHONUNBUFFERED": "1"}
    run_dir.mkdir(parents=True, exist_ok=True)
    with (
        (run_dir.parent / f"{run_dir.name}.out").open("wb") as out,
        (run_dir.parent / f"{run_dir.name}.err").open("wb") as err,
    ):
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), "--run-dir", str(run_dir), *flags],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def finish(process: subprocess.Popen[bytes], run_dir: Path) -> Run:
    """Waits (bounded) for run.py to exit and collects what it printed."""
    try:
        code = process.wait(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"run.py did not finish within {RUN_TIMEOUT_S:.0f}s")
    return Run(
        run_dir,
        code,
        (run_dir.parent / f"{run_dir.name}.out").read_text(),
        (run_dir.parent / f"{run_dir.name}.err").read_text(),
    )


def complete_run(run_dir: Path, *flags: str) -> Run:
    with run_py(run_dir, *flags) as process:
        run = finish(process, run_dir)
    assert run.returncode == 0, f"run.py failed:\n{run.stdout}\n{run.stderr}"
    return run


def all_children_started(run_dir: Path, count: int) -> Callable[[], bool]:
    def check() -> bool:
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
            return len(json.loads((run_dir / "pids.json").read_text())["children"]) >= count
        return False

    return check


def test_a_run_reports_every_month_consistently_with_the_database(tmp_path: Path) -> None:
    run = complete_run(tmp_path / "run", *SMALL, "--seed", "5")

    report = run.report
    assert report["outcome"] == "completed"
    assert report["config"]["seed"] == 5
    months = report["months"]
    assert [m["month"] for m in months] == [1, 2]
    for month in months:
        assert month["state"] == "CLOSED"
        assert month["close_reason"] in {"shoppers_done", "sold_out", "deadline", "operator"}
        assert month["stock_lines"], "every month has offers"
        for line in month["stock_lines"]:
            assert line["reserved"] >= 0
            assert line["sold"] >= 0
            assert line["sold"] + line["reserved"] <= line["offered"], line
        # Every manufacturer acknowledged its notifications, the month report included.
        assert month["reports_delivered"] is True
        reported = {m["manufacturer_name"] for m in month["manufacturer_results"]}
        assert reported == set(report["participants"]["manufacturers"])
    with contextlib.closing(sqlite3.connect(run.run_dir / "central.sqlite3")) as db:
        orders = dict(db.execute("SELECT month, COUNT(*) FROM orders GROUP BY month").fetchall())
        reports = db.execute(
            "SELECT COUNT(*), COUNT(acked_at) FROM notifications WHERE kind = 'month_report'"
        ).fetchone()
    assert {m["month"]: m["order_count"] for m in months if m["order_count"]} == orders
    assert report["totals"]["orders"] == sum(orders.values())
    assert reports == (2 * 2, 2 * 2)  # months x manufacturers, all acknowledged
    assert "Totals over 2 month(s)" in run.stdout
    assert (run.run_dir / "report.md").read_text().count("## Month ") == 2
    assert "<svg" in (run.run_dir / "stock_and_sales.svg").read_text()
    assert len(run.child_pids) == 1 + 2 + 3 + 1  # the central, makers, shoppers, the web node
    assert not [slug for slug, pid in run.child_pids.items() if alive(pid)]


def test_the_same_seed_gives_the_same_totals(tmp_path: Path) -> None:
    first = complete_run(tmp_path / "first", *SMALL, "--seed", "11")
    second = complete_run(tmp_path / "second", *SMALL, "--seed", "11")

    offers = [[m["offered"] for m in run.report["months"]] for run in (first, second)]
    assert offers[0] == offers[1], f"same seed, different offers per month {offers}: production is not seeded"
    assert first.report["totals"] == second.report["totals"]
    assert first.report["totals"]["offered"] > 0


def test_a_child_that_dies_fails_the_run_by_name_and_nothing_is_left(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with run_py(run_dir, *LONG) as process:
        wait_for(all_children_started(run_dir, 7), 30, "every child to start")
        wait_for(lambda: (run_dir / "logs" / "customer-02.log").stat().st_size > 0, 30, "customer-02 to log")
        victim = json.loads((run_dir / "pids.json").read_text())["children"]["customer-02"]
        os.kill(victim["pid"], signal.SIGKILL)
        run = finish(process, run_dir)

    assert run.returncode != 0
    assert "customer customer-02 (customer-02) was killed by SIGKILL" in run.stderr
    assert f"last lines of {run_dir / 'logs' / 'customer-02.log'}" in run.stderr
    assert run.report["outcome"].startswith("failed: customer customer-02")
    assert not [slug for slug, pid in run.child_pids.items() if alive(pid)]


def test_sigint_stops_every_process_cleanly(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with run_py(run_dir, *LONG) as process:
        wait_for(all_children_started(run_dir, 7), 30, "every child to start")
        process.send_signal(signal.SIGINT)
        run = finish(process, run_dir)

    assert run.returncode == 128 + signal.SIGINT
    assert "interrupted by SIGINT" in run.stderr
    assert run.report["outcome"] == "interrupted by SIGINT"
    assert "unclean exits" not in run.stdout
    # An interrupted run still checks that what was acknowledged before it is there.
    assert "Loss check: nothing acknowledged was lost" in run.stdout, run.stdout
    assert not [slug for slug, pid in run.child_pids.items() if alive(pid)]


# Four months for three strikes: a strike whose month closes first is handed on to the next one.
CHAOS = ["--months", "4", "--customers", "3", "--manufacturers", "2", "--branches", "1",
         "--month-seconds", "4", "--chaos", "--seed", "3"]  # fmt: skip


def test_chaos_kills_a_manufacturer_a_branch_and_the_central_and_nothing_acknowledged_is_lost(
    tmp_path: Path,
) -> None:
    port = free_port()
    run = complete_run(tmp_path / "run", *CHAOS, "--port", str(port))

    faults = run.report["faults"]
    assert sorted(f["detail"].split(",")[0] for f in faults) == ["branch", "central", "manufacturer"]
    assert all(f["kind"] == "SIGKILL" and f["recovered_at"] for f in faults), faults
    assert run.stdout.count("fault: SIGKILL") == 3
    assert run.stdout.count("recovery: ") == 3
    assert "health SERVING" in run.stdout and "link connected again" in run.stdout
    assert "sales stream resumed" in run.stdout
    assert "Loss check: nothing acknowledged was lost" in run.stdout
    assert "FAIL" not in run.stdout
    markdown = (run.run_dir / "report.md").read_text()
    assert "## Faults" in markdown and markdown.count("| SIGKILL |") == 3
    # The month reports still reached every manufacturer, the killed one included.
    assert all(month["reports_delivered"] for month in run.report["months"])
    join = (run.run_dir / "join.txt").read_text()
    assert f"/distribution-customer shop --central 127.0.0.1:{port}" in join
    key_file = run.run_dir / "operator.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert str(key_file) in join and key_file.read_text().strip() not in join
    assert not [slug for slug, pid in run.child_pids.items() if alive(pid)]
