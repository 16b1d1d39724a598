"""run.py --web: pausing from the dashboard shows the month paused in every open browser; resume and pace."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.lecture import RUN_S, LectureRun, lecture_run, log_in_as_operator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def run(tmp_path: Path) -> Iterator[LectureRun]:
    # Months long enough to press pause in the first one; the pace chosen makes the second short.
    flags = ["--months", "2", "--month-seconds", "20", "--manufacturers", "1", "--customers", "2"]
    with lecture_run(tmp_path, *flags, "--branches", "1") as running:
        yield running


def test_pause_shows_paused_in_every_browser_and_resume_lets_the_run_finish(
    run: LectureRun, page: Page, browser: Browser
) -> None:
    process, url, key = run
    log_in_as_operator(page, url, key)
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
