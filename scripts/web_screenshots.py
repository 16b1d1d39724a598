"""Takes the README's screenshots of the web pages: runs ``run.py --web`` and photographs them in Chromium.

``python scripts/web_screenshots.py`` (in the venv, with Debian's chromium installed) writes
``docs/web-dashboard.png``, ``docs/web-join.png``, ``docs/web-shop.png`` and ``docs/web-hq.png``.
The run listens on this machine's LAN address when it has one (``--host lan``), so the Join
panel shows the commands a class gets.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from launcher.records.addresses import HostError, lan_address

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _wait_for_url(join: Path, timeout_s: float = 60.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = re.search(r"^web: (\S+)$", join.read_text(), re.MULTILINE) if join.exists() else None
        if found:
            return found.group(1).rstrip("/")
        time.sleep(0.2)
    raise SystemExit("run.py wrote no web URL")


def _shop(page: Page, url: str) -> None:
    page.goto(url + "/shop")
    page.fill("#name", "Ada Lovelace")
    page.fill("#card-number", "4242 4242 4242 4242")
    page.fill("#expiry-month", "12")
    page.fill("#expiry-year", "2031")
    page.click("#register button[type=submit]")
    page.wait_for_selector("#catalog tbody tr")
    for row in range(2):
        page.locator("#catalog tbody tr").nth(row).locator("button.add").click()
        page.wait_for_selector(f"#cart tbody tr:nth-child({row + 1})")
    page.click("#checkout")
    page.wait_for_selector("#orders li.order")
    page.locator("#catalog tbody tr").nth(2).locator("button.add").click()
    page.wait_for_selector("#cart tbody tr")


def _faults(page: Page, cuts: int) -> None:
    """Cuts and restores the manufacturers' links in turn, so the faults list has entries."""
    for number in range(1, cuts + 1):
        node = page.locator("#controls li[data-node^=manufacturer]").nth(number % 2)
        node.locator('button[data-action="cut"]').click()
        expect(page.locator("#faults li.fault")).to_have_count(number)
        node.locator('button[data-action="restore"]').click()
        expect(page.locator("#faults li.recovered")).to_have_count(number, timeout=30_000)


def _host() -> list[str]:
    try:
        lan_address()
    except HostError:
        return []
    return ["--host", "lan"]


def main() -> int:
    """Runs a slow simulation with branches and takes the three screenshots mid-month."""
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        argv = [sys.executable, "run.py", "--quiet", "--web", "--run-dir", str(run_dir), "--months", "2"]
        argv += ["--pace", "slow", "--month-seconds", "60", "--branches", "2", *_host()]
        run = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = _wait_for_url(run_dir / "join.txt")
            key = (run_dir / "operator.key").read_text().strip()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                _shop(page, url)
                page.screenshot(path=str(DOCS / "web-shop.png"), full_page=True)
                page.goto(url + "/hq")
                page.fill("#operator-key", key)
                page.click("#hq-login button[type=submit]")
                page.wait_for_selector("#hq-days tbody tr")
                page.screenshot(path=str(DOCS / "web-hq.png"), full_page=True)
                # The lecturer's screen as the projector shows it: 1400x900, nothing below the fold.
                page.set_viewport_size({"width": 1400, "height": 900})
                page.goto(url + "/")
                page.wait_for_selector("#join-panel:not([hidden])")
                _faults(page, 3)
                # Scripts run under the page's CSP (no eval): waited on with locators, not functions.
                expect(page.locator("#feed li").nth(3)).to_be_attached(timeout=60_000)
                page.screenshot(path=str(DOCS / "web-dashboard.png"))
                page.locator("#join-panel").scroll_into_view_if_needed()
                page.screenshot(path=str(DOCS / "web-join.png"))
                browser.close()
        finally:
            run.terminate()
            run.wait(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
