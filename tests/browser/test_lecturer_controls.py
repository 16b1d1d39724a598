"""run.py --web: a manufacturer killed from the dashboard is seen gone and back; the run goes on."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.processes import ROOT, node_env

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

STARTUP_S = 60.0
RUN_S = 90.0


def _web_url(run_dir: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + STARTUP_S
    join = run_dir / "join.txt"
    while True:
        if join.exists():
            found = re.search(r"^web: (\S+)$", join.read_text(), re.MULTILINE)
            if found:
                return found.group(1).rstrip("/")
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("run.py wrote no web URL into join.txt")
        time.sleep(0.1)


@pytest.fixture
def run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, str]]:
    run_dir = tmp_path / "run"
    argv = [sys.executable, "run.py", "--quiet", "--web", "--run-dir", str(run_dir)]
    argv += ["--months", "3", "--month-seconds", "6", "--manufacturers", "2", "--customers", "2"]
    argv += ["--branches", "0"]
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


def test_killing_a_manufacturer_from_the_dashboard_shows_it_gone_and_back(
    run: tuple[subprocess.Popen[bytes], str, str], page: Page
) -> None:
    process, url, key = run
    page.goto(url + "/hq")
    page.fill("#operator-key", key)
    page.click("#hq-login button[type=submit]")
    expect(page.locator("#hq-days")).to_be_visible()

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
    run: tuple[subprocess.Popen[bytes], str, str], page: Page
) -> None:
    process, url, key = run
    page.goto(url + "/hq")
    page.fill("#operator-key", key)
    page.click("#hq-login button[type=submit]")
    expect(page.locator("#hq-days")).to_be_visible()

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
    expect(page.locator("#month-title")).to_have_text(re.compile(r"Month [23] "))
    assert process.wait(timeout=RUN_S) == 0
