"""run.py --web: pausing from the dashboard shows the month paused in every open browser; resume and pace."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_lecturer_controls import RUN_S, _web_url
from tests.processes import ROOT, node_env

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, str]]:
    run_dir = tmp_path / "run"
    argv = [sys.executable, "run.py", "--quiet", "--web", "--run-dir", str(run_dir)]
    # Months long enough to press pause in the first one; the pace chosen makes the second short.
    argv += ["--months", "2", "--month-seconds", "20", "--manufacturers", "1", "--customers", "2"]
    argv += ["--branches", "1"]
    env = {**node_env(), "DISTRIBUTION_NO_BOOTSTRAP": "1"}
    with (tmp_path / "run.out").open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = _web_url(run_dir, process)
        key = (run_dir / "operator.key").read_text().strip()
        yield process, url, key
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def test_pause_shows_paused_in_every_browser_and_resume_lets_the_run_finish(
    run: tuple[subprocess.Popen[bytes], str, str], page: Page, browser: Browser
) -> None:
    process, url, key = run
    page.goto(url + "/hq")
    page.fill("#operator-key", key)
    page.click("#hq-login button[type=submit]")
    expect(page.locator("#hq-days")).to_be_visible()
    # A member of the class, not logged in, watches the same dashboard in a browser of its own.
    watcher = browser.new_context().new_page()
    watcher.goto(url + "/")

    page.goto(url + "/")
    expect(page.locator("#month-title")).to_have_text("Month 1 OPEN")
    expect(page.locator("#month-clock")).to_have_text("running")
    page.click("#simulation-pause")
    expect(page.locator("#simulation-result")).to_have_text("Month 1 paused.")
    expect(page.locator("#month-clock")).to_have_text("paused")
    expect(page.locator("#month-title")).to_have_text("Month 1 OPEN · paused")
    expect(watcher.locator("#month-title")).to_have_text("Month 1 OPEN · paused")
    expect(watcher.locator("#feed")).to_contain_text("month 1 paused")

    page.click("#simulation-pause")
    expect(page.locator("#simulation-result")).to_have_text("Month 1 is paused already.")
    page.select_option("#simulation-pace", "brisk")
    page.click("#simulation-pace-set")
    expect(page.locator("#simulation-result")).to_have_text(
        "Pace brisk applies from the next month the launcher opens."
    )
    expect(page.locator("#simulation-pace-note")).to_contain_text("brisk (5 s months) from the next month")

    page.click("#simulation-resume")
    expect(page.locator("#simulation-result")).to_have_text("Month 1 resumed.")
    expect(page.locator("#month-clock")).to_have_text("running")
    expect(page.locator("#feed")).to_contain_text("month 1 resumed")
    expect(watcher.locator("#month-title")).to_have_text(re.compile(r"^Month [12] \w+$"))
    expect(page.locator("#month-title")).to_have_text(re.compile(r"Month 2 "), timeout=60_000)
    assert process.wait(timeout=RUN_S) == 0
    watcher.context.close()
