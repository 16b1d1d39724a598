"""run.py: the central killed and restarted through the web node's controls; its loss check holds."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_run_py import finish, run_py
from tests.helpers import wait_for

pytestmark = pytest.mark.e2e

FLAGS = ["--months", "3", "--month-seconds", "5", "--manufacturers", "2", "--customers", "2",
         "--branches", "1", "--pace", "brisk", "--quiet"]  # fmt: skip
STARTUP_S = 60.0


class Operator:
    """An HTTP client of the web node holding its CSRF token and, once logged in, the operator cookie."""

    def __init__(self, url: str, key: str) -> None:
        self.url = url
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with self._opener.open(url + "/") as page:
            found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.read().decode())
        assert found is not None
        self._token = found.group(1)
        status, _ = self.post("/api/hq/login", {"key": key})
        assert status == 200

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRF-Token": self._token},
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=30) as reply:
                return int(reply.status), json.loads(reply.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def _web_url(run_dir: Path) -> str:
    join = run_dir / "join.txt"
    with contextlib.suppress(FileNotFoundError):
        found = re.search(r"^web: (\S+)$", join.read_text(), re.MULTILINE)
        if found:
            return found.group(1).rstrip("/")
    return ""


def _month_open(run_dir: Path) -> bool:
    database = run_dir / "central.sqlite3"
    if not database.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)) as db:
            return db.execute("SELECT 1 FROM months WHERE state = 'open'").fetchone() is not None
    except sqlite3.Error:
        return False


def _central(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    (central,) = [node for node in nodes if node["slug"] == "central"]
    return central


def test_the_central_killed_and_restarted_from_the_controls_loses_nothing(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with run_py(run_dir, *FLAGS) as process:
        wait_for(lambda: bool(_web_url(run_dir)), STARTUP_S, "the web URL in join.txt")
        key = (run_dir / "operator.key").read_text().strip()
        operator = Operator(_web_url(run_dir), key)
        wait_for(lambda: _month_open(run_dir), STARTUP_S, "a month to open")

        status, reply = operator.post("/api/control", {"node": "central", "action": "kill"})
        assert status == 200, reply
        assert _central(reply["nodes"])["state"] == "down"
        status, reply = operator.post("/api/control", {"node": "central", "action": "kill"})
        assert status == 409, "killed twice"
        status, reply = operator.post("/api/control", {"node": "central", "action": "restart"})
        assert status == 200, reply
        assert _central(reply["nodes"])["state"] in ("starting", "running")

        run = finish(process, run_dir)
    assert run.returncode == 0, f"run.py failed:\n{run.stdout}\n{run.stderr}"
    assert "Loss check: nothing acknowledged was lost" in run.stdout
    assert [m["month"] for m in run.report["months"]] == [1, 2, 3]
    faults = run.report.get("faults", [])
    assert any(f["node"] == "central" and f.get("recovered_at") for f in faults), faults
