"""The lecturer's dashboard at 1400x900: month, stock and controls above the fold, lists scroll in
their panels, the paused banner stays in view, faults have a place of their own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.lecture import FOLD_PX, LectureRun, lecture_run, log_in_as_operator, projector_context

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FAULTS_PX = 300


@pytest.fixture
def run(tmp_path: Path) -> Iterator[LectureRun]:
    flags = ["--months", "2", "--month-seconds", "20", "--manufacturers", "2", "--customers", "2"]
    with lecture_run(tmp_path, *flags, "--branches", "1") as running:
        yield running


def bottom(page: Page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    return float(box["y"] + box["height"])


def test_the_dashboard_fits_the_lecturers_screen_and_keeps_a_pause_in_view(
    run: LectureRun, wide: Page, browser: Browser
) -> None:
    _, url, key = run
    # A visitor without the key: no control buttons, and the page loads without a failed request.
    visitor = projector_context(browser)
    try:
        anonymous = visitor.new_page()
        failed: list[str] = []
        anonymous.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        anonymous.goto(url + "/")
        expect(anonymous.locator("#month-title")).to_have_text(re.compile(r"Month 1 OPEN"))
        expect(anonymous.locator("#controls-login")).to_be_visible()
        expect(anonymous.locator("#controls-panel button")).to_have_count(0)
        assert not failed, failed
    finally:
        visitor.close()
    log_in_as_operator(wide, url, key)
    wide.goto(url + "/")
    expect(wide.locator("#month-title")).to_have_text(re.compile(r"Month 1 OPEN"))
    expect(wide.locator("#controls li").first).to_be_visible()

    for selector in ("#month-title", "#stock", "#controls-panel h2", "#simulation-pause"):
        assert bottom(wide, selector) <= FOLD_PX, f"{selector} is below the fold"
    # Long lists scroll inside their panels rather than growing the page.
    for selector in ("#feed", "#branch-days", "#controls"):
        overflow = wide.locator(selector).evaluate(
            "node => getComputedStyle(node.closest('.scroll') || node).overflowY"
        )
        assert overflow == "auto", selector
    expect(wide.locator("#faults")).to_be_visible()
    # The faults have the first row's height beside the stock, in full view: a lecture's worth
    # (eight cuts, three lines each) reads at once (the old list was 120 px, four entries, below the fold).
    assert bottom(wide, "#faults") <= FOLD_PX, "the faults list is below the fold"
    faults = wide.locator("#faults").bounding_box()
    assert faults is not None and faults["height"] >= FAULTS_PX, faults
    # The Join panel's card is whole: nothing past the panel's edge, nothing hidden sideways.
    expect(wide.locator("#join-install")).not_to_be_empty()
    hidden = wide.locator("#join-install").evaluate("node => node.scrollWidth - node.clientWidth")
    assert hidden <= 1, f"the join card hides {hidden} px"

    wide.mouse.wheel(0, 2000)
    wide.click("#simulation-pause")
    expect(wide.locator("#month-title")).to_contain_text("paused")
    title = wide.locator("#month-title").bounding_box()
    assert title is not None and 0 <= title["y"] < FOLD_PX, "the paused banner scrolled out of view"
    wide.click("#simulation-resume")
    expect(wide.locator("#month-title")).not_to_contain_text("paused")
