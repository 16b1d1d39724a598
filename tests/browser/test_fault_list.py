"""run.py --web: the lecturer's kill and link cut appear in the dashboard's faults list and stay there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.lecture import RUN_S, LectureRun, lecture_run, log_in_as_operator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def run(tmp_path: Path) -> Iterator[LectureRun]:
    flags = ["--months", "3", "--month-seconds", "6", "--manufacturers", "2", "--customers", "2"]
    with lecture_run(tmp_path, *flags, "--branches", "0") as running:
        yield running


def test_a_kill_and_a_link_cut_are_listed_as_faults_and_stay_after_the_recovery(
    run: LectureRun, page: Page
) -> None:
    process, url, key = run
    page.goto(url + "/")
    expect(page.locator("#controls-login")).to_be_visible()
    # Logged in at headquarters in another tab, the dashboard stops asking for the key once it is
    # back in view (issue 23: the note stayed). Headless pages never lose focus, so it is sent.
    headquarters = page.context.new_page()
    log_in_as_operator(headquarters, url, key)
    headquarters.close()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.locator("#controls-login")).to_have_count(0)
    expect(page.locator("#controls-panel")).not_to_contain_text("log in")
    faults = page.locator("#faults")
    acme = page.locator('#controls li[data-node="manufacturer-acme-foods"]')
    borealis = page.locator('#controls li[data-node="manufacturer-borealis-tools"]')

    acme.locator('button[data-action="kill"]').click()
    killed = faults.locator("li.fault", has_text="SIGKILL manufacturer Acme Foods (by the lecturer")
    expect(killed).to_have_count(1)
    borealis.locator('button[data-action="cut"]').click()
    cut = faults.locator("li.fault", has_text="link cut manufacturer Borealis Tools (by the lecturer")
    expect(cut).to_have_count(1)
    # Newest first: the cut came after the kill.
    expect(faults.locator("li.fault").first).to_contain_text("link cut manufacturer Borealis Tools")

    acme.locator('button[data-action="restart"]').click()
    borealis.locator('button[data-action="restore"]').click()
    expect(killed).to_contain_text(re.compile(r"back after \d+\.\ds"))
    expect(cut).to_contain_text(re.compile(r"back after \d+\.\ds"))
    expect(killed).to_have_class(re.compile(r"\brecovered\b"))

    # Months of routine news later, both are still on screen in their own list.
    expect(page.locator("#month-title")).to_have_text(re.compile(r"Month 3 "), timeout=RUN_S * 1000)
    expect(killed).to_be_visible()
    expect(cut).to_be_visible()
    expect(page.locator("#feed")).not_to_contain_text("SIGKILL")
    assert process.wait(timeout=RUN_S) == 0
