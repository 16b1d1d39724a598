"""run.py with two centrals: the lecturer kills the second mid-month, the first sells on, nothing is lost."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_lecturer_central import STARTUP_S, Operator, _web_url
from tests.e2e.test_run_py import finish, run_py
from tests.helpers import wait_for
from tests.postgres import require_server_binaries

pytestmark = pytest.mark.e2e

FLAGS = ["--centrals", "2", "--postgres", "--months", "2", "--month-seconds", "8", "--manufacturers", "2",
         "--customers", "2", "--branches", "1", "--pace", "brisk", "--quiet"]  # fmt: skip


def catalog_until(url: str, wanted: Any, timeout_s: float) -> dict[str, Any]:
    """Follows the web node's catalog stream until a payload satisfies ``wanted``; returns it."""
    deadline = time.monotonic() + timeout_s
    with urllib.request.urlopen(url + "/events/catalog", timeout=timeout_s) as stream:
        for raw in stream:
            assert time.monotonic() < deadline, "the catalog stream never showed it"
            line = raw.decode().strip()
            if line.startswith("data: "):
                payload: dict[str, Any] = json.loads(line.removeprefix("data: "))
                if wanted(payload):
                    return payload
    raise AssertionError("the catalog stream ended")


def states(nodes: list[dict[str, Any]]) -> dict[str, bool]:
    return {node["label"]: node["running"] for node in nodes if str(node["slug"]).startswith("central")}


def test_the_second_central_killed_mid_month_and_back_loses_nothing(tmp_path: Path) -> None:
    require_server_binaries()
    run_dir = tmp_path / "run"
    with run_py(run_dir, *FLAGS) as process:
        wait_for(lambda: bool(_web_url(run_dir)), STARTUP_S, "the web URL in join.txt")
        url = _web_url(run_dir)
        operator = Operator(url, (run_dir / "operator.key").read_text().strip())
        opened = catalog_until(url, lambda p: str(p["state"]).lower() == "open" and p["lines"], STARTUP_S)

        status, reply = operator.post("/api/control", {"node": "central-2", "action": "kill"})
        assert status == 200, reply
        assert states(reply["nodes"]) == {"central 1": True, "central 2": False}
        # The month goes on through the first central: the catalog still moves while the second is down.
        moved = catalog_until(url, lambda p: p != opened, STARTUP_S)
        status, reply = operator.post("/api/control", {"node": "central-2", "action": "restart"})
        assert status == 200, reply

        run = finish(process, run_dir)
    assert moved["month"] >= opened["month"]
    assert run.returncode == 0, f"run.py failed:\n{run.stdout}\n{run.stderr}"
    assert "Loss check: nothing acknowledged was lost" in run.stdout
    assert [m["month"] for m in run.report["months"]] == [1, 2]
    faults = run.report.get("faults", [])
    assert any(f["node"] == "central 2" and f.get("recovered_at") for f in faults), faults
