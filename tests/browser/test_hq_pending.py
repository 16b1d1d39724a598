"""run.py --web: headquarters shows a branch day not reported yet as pending, not as $0.00 and ok."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.lecture import RUN_S, LectureRun, lecture_run, log_in_as_operator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Each row as the page shows it: reported revenue, streamed revenue, check.
ROWS_JS = """() => [...document.querySelectorAll('#hq-days tbody tr')].map((row) =>
  [row.cells[2].textContent, row.cells[4].textContent, row.cells[6].textContent])"""


@pytest.fixture
def run(tmp_path: Path) -> Iterator[LectureRun]:
    flags = ["--months", "3", "--month-seconds", "8", "--manufacturers", "2", "--customers", "2"]
    with lecture_run(tmp_path, *flags, "--branches", "1") as running:
        yield running


def test_a_day_streamed_but_not_reported_says_pending(run: LectureRun, page: Page) -> None:
    process, url, key = run
    log_in_as_operator(page, url, key)
    # The branch's current day is streamed as it sells and reported when it ends.
    pending = page.locator("#hq-days tbody tr", has_text="pending: not reported yet")
    expect(pending.first).to_be_visible(timeout=RUN_S * 1000)
    expect(pending.first.locator("td").nth(2)).to_have_text("pending")
    expect(page.locator("#hq-days tbody tr", has_text="ok").first).to_be_visible(timeout=RUN_S * 1000)
    rows: list[list[str]] = page.evaluate(ROWS_JS)
    for reported, streamed, check in rows:
        if check == "ok":
            assert reported == streamed, (reported, streamed)
        else:
            assert reported == "pending" or check == "report and stream disagree", (reported, check)
    assert process.wait(timeout=RUN_S) == 0
