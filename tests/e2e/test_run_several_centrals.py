"""`python run.py --centrals 2 --postgres`: a throwaway PostgreSQL, two centrals, every node on both."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from launcher.app import launch
from launcher.postgres import server as postgres
from launcher.settings import parse_settings
from tests.e2e.test_run_py import CHAOS, SMALL, finish, run_py
from tests.postgres import require_server_binaries

pytestmark = pytest.mark.e2e


def test_several_centrals_need_postgres() -> None:
    with pytest.raises(SystemExit) as exited:
        parse_settings(["--centrals", "2"])
    assert exited.value.code == 2


def test_postgres_and_a_database_url_exclude_each_other() -> None:
    with pytest.raises(SystemExit) as exited:
        parse_settings(["--postgres", "--db", "postgresql+asyncpg://u@127.0.0.1/db"])
    assert exited.value.code == 2


def test_two_centrals_on_a_throwaway_postgres_run_the_months(tmp_path: Path) -> None:
    require_server_binaries()
    run_dir = tmp_path / "run"
    with run_py(run_dir, *SMALL, "--centrals", "2", "--postgres") as process:
        run = finish(process, run_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    (central_line,) = [line for line in run.stdout.splitlines() if line.startswith("central: ")]
    addresses = central_line.removeprefix("central: ").split(",")
    assert len(addresses) == 2
    assert "PostgreSQL: a throwaway server" in run.stdout
    # The loss check reads the central's PostgreSQL database like it reads SQLite.
    assert "Loss check: nothing acknowledged was lost" in run.stdout
    months = run.report["months"]
    assert [m["month"] for m in months] == [1, 2]
    assert sum(m["order_count"] for m in months) > 0
    # Both centrals served: each logged its SERVING line and took part in the change feed.
    logs = sorted((run_dir / "logs").glob("central*.log"))
    assert len(logs) == 2
    for log in logs:
        text = log.read_text()
        assert "central SERVING" in text and "change feed listening" in text, text[-2000:]


def test_a_machine_without_postgres_is_told_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "server_binaries", lambda: None)
    settings = parse_settings(["--run-dir", str(tmp_path / "run"), "--centrals", "2", "--postgres", *SMALL])
    out, err = io.StringIO(), io.StringIO()
    code = asyncio.run(launch(settings, out, err))
    assert code == 1
    (line,) = err.getvalue().splitlines()
    assert "no PostgreSQL server binaries" in line and "apt-get install postgresql" in line


def test_root_without_runuser_is_told_in_one_line_and_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "server_binaries", lambda: tmp_path)
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(postgres, "RUNUSER_PATHS", ())
    before = set(Path(tempfile.gettempdir()).glob("distribution-postgres-*"))
    settings = parse_settings(["--run-dir", str(tmp_path / "run"), "--centrals", "2", "--postgres", *SMALL])
    out, err = io.StringIO(), io.StringIO()
    code = asyncio.run(launch(settings, out, err))
    assert code == 1
    (line,) = err.getvalue().splitlines()
    # (Without a postgres system user it says that instead, in one line too.)
    assert line.startswith("run.py: running as root, the server"), line
    assert set(Path(tempfile.gettempdir()).glob("distribution-postgres-*")) == before


def test_chaos_strikes_every_central_in_turn_and_nothing_acknowledged_is_lost(tmp_path: Path) -> None:
    require_server_binaries()
    run_dir = tmp_path / "run"
    with run_py(run_dir, *CHAOS, "--centrals", "2", "--postgres") as process:
        run = finish(process, run_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    faults = run.report["faults"]
    assert sorted(f["node"] for f in faults if f["detail"].startswith("central")) == [
        "central 1",
        "central 2",
    ]
    assert sorted(f["detail"].split(",")[0] for f in faults) == [
        "branch",
        "central",
        "central",
        "manufacturer",
    ]
    assert all(f["kind"] == "SIGKILL" and f["recovered_at"] for f in faults), faults
    assert run.stdout.count("health SERVING") >= 2
    assert "Loss check: nothing acknowledged was lost" in run.stdout
    assert "FAIL" not in run.stdout
    markdown = (run_dir / "report.md").read_text()
    assert "## Faults" in markdown and markdown.count("| SIGKILL |") == 4
