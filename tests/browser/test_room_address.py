"""One address for the lecturer's log-in: a page opened by another name goes to the join card's.

Cookies belong to a host name: logged in at one name, a browser is logged out at another. The
web node sends every page to the card's address, so the log-in holds wherever it was opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.lecture import LectureRun, lecture_run

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def run(tmp_path: Path) -> Iterator[LectureRun]:
    flags = ["--months", "1", "--month-seconds", "60", "--manufacturers", "1", "--customers", "1"]
    with lecture_run(tmp_path, *flags, "--branches", "0") as running:
        yield running


def test_a_page_opened_by_another_name_goes_to_the_cards_address_and_the_log_in_holds(
    run: LectureRun, page: Page
) -> None:
    _, url, key = run
    assert url.startswith("http://127.0.0.1:")
    other = url.replace("127.0.0.1", "localhost")
    # Headquarters opened by another name: the log-in happens on the card's address.
    page.goto(other + "/hq?from=bookmark")
    assert page.url == url + "/hq?from=bookmark"
    page.fill("#operator-key", key)
    page.click("#hq-login button[type=submit]")
    expect(page.locator("#hq-days")).to_be_visible()
    # The dashboard by the other name again: the same address, still logged in (the controls show).
    page.goto(other + "/")
    assert page.url == url + "/"
    expect(page.locator("#controls li button").first).to_be_visible()
    expect(page.locator("#controls-login")).to_have_count(0)
    # What scripts fetch answers under any allowed name: no redirect for the card or the assets.
    for path in ("/join/card", "/static/app.css"):
        reply = page.request.get(other + path, max_redirects=0)
        assert reply.status == 200, (path, reply.status)
    assert page.request.get(other + "/shop", max_redirects=0).status == 307
