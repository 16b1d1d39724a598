"""A run.py with its web node for the lecturer's-controls tests: start it, find its URL, log in."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.processes import ROOT, node_env

STARTUP_S = 60.0
RUN_S = 90.0
POLL_S = 0.1
# The lecturer's projector: the dashboard keeps what matters above its fold (issue 23).
PROJECTOR_WIDTH_PX = 1400
FOLD_PX = 900

# What a test of the lecturer's controls gets: the run.py process, the web URL, the operator key.
LectureRun = tuple[subprocess.Popen[bytes], str, str]


def web_url(run_dir: Path, process: subprocess.Popen[bytes]) -> str:
    """The web node's URL once run.py has written it into join.txt (polled, bounded by STARTUP_S)."""
    deadline = time.monotonic() + STARTUP_S
    join = run_dir / "join.txt"
    while True:
        if join.exists():
            found = re.search(r"^web: (\S+)$", join.read_text(), re.MULTILINE)
            if found:
                return found.group(1).rstrip("/")
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("run.py wrote no web URL into join.txt")
        time.sleep(POLL_S)


@contextlib.contextmanager
def lecture_run(tmp_path: Path, *flags: str) -> Iterator[LectureRun]:
    """Runs ``run.py --quiet --web`` with ``flags``; stops it afterwards if it still runs."""
    run_dir = tmp_path / "run"
    argv = [sys.executable, "run.py", "--quiet", "--web", "--run-dir", str(run_dir), *flags]
    env = {**node_env(), "DISTRIBUTION_NO_BOOTSTRAP": "1"}
    with (tmp_path / "run.out").open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = web_url(run_dir, process)
        key = (run_dir / "operator.key").read_text().strip()
        yield process, url, key
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def projector_context(browser: Browser) -> BrowserContext:
    """A fresh context (no cookies) the size of the lecturer's projector."""
    return browser.new_context(viewport={"width": PROJECTOR_WIDTH_PX, "height": FOLD_PX})


def log_in_as_operator(page: Page, url: str, key: str) -> None:
    """Logs ``page`` in at headquarters with the operator key (the controls need it)."""
    page.goto(url + "/hq")
    page.fill("#operator-key", key)
    page.click("#hq-login button[type=submit]")
    expect(page.locator("#hq-days")).to_be_visible()
