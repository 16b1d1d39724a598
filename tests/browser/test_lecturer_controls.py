"""run.py --web: a manufacturer killed from the dashboard is seen gone and back; the run goes on."""

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


def test_killing_a_manufacturer_from_the_dashboard_shows_it_gone_and_back(
    run: LectureRun, page: Page
) -> None:
    process, url, key = run
    log_in_as_operator(page, url, key)

    page.goto(url + "/")
    acme = page.locator('#links li[data-manufacturer="Acme Foods"]')
    expect(acme).to_have_class("up")
    controls = page.locator('#controls li[data-node="manufacturer-acme-foods"]')
    controls.locator('button[data-action="kill"]').click()
    expect(acme).to_have_class("down")
    expect(page.locator("#feed")).to_contain_text("Acme Foods link lost")

    controls.locator('button[data-action="restart"]').click()
    expect(acme).to_have_class("up")
    expect(page.locator("#feed")).to_contain_text("Acme Foods connected again")
    expect(page.locator("#month-title")).to_have_text(re.compile(r"Month [23] "))
    assert process.wait(timeout=RUN_S) == 0


def test_cutting_a_manufacturers_link_shows_it_gone_and_restoring_shows_it_back(
    run: LectureRun, page: Page
) -> None:
    process, url, key = run
    log_in_as_operator(page, url, key)

    page.goto(url + "/")
    acme = page.locator('#links li[data-manufacturer="Acme Foods"]')
    expect(acme).to_have_class("up")
    controls = page.locator('#controls li[data-node="manufacturer-acme-foods"]')
    controls.locator('button[data-action="cut"]').click()
    expect(controls).to_have_attribute("data-link-cut", "true")
    expect(acme).to_have_class("down")
    expect(page.locator("#feed")).to_contain_text("Acme Foods link lost")

    controls.locator('button[data-action="restore"]').click()
    expect(controls).to_have_attribute("data-link-cut", "false")
    expect(acme).to_have_class("up")
    expect(page.locator("#feed")).to_contain_text("Acme Foods connected again")

    # A link is slowed from the same panel; every page sees the setting.
    borealis = page.locator('#controls li[data-node="manufacturer-borealis-tools"]')
    borealis.locator('select[data-action="latency"]').select_option("200")
    expect(borealis).to_contain_text("+200 ms")
    browser = page.context.browser
    assert browser is not None
    watcher = browser.new_context()
    try:
        other = watcher.new_page()
        other.goto(url + "/")
        expect(other.locator('#controls li[data-node="manufacturer-borealis-tools"]')).to_contain_text(
            "+200 ms"
        )
    finally:
        watcher.close()
    # A cut and a restore clicked back to back go out in the order clicked: the link ends up
    # linked (a restore that overtook its cut would be refused as "up already", the cut then kept).
    borealis.locator('button[data-action="cut"]').click()
    borealis.locator('button[data-action="restore"]').click()
    expect(page.locator("#control-result")).to_have_text(re.compile(r"^restore .*Borealis Tools: done$"))
    expect(borealis).to_have_attribute("data-link-cut", "false")
    expect(page.locator("#month-title")).to_have_text(re.compile(r"Month [23] "))
    assert process.wait(timeout=RUN_S) == 0
