"""Headless Debian Chromium driven by Playwright (which never downloads a browser of its own here)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.lecture import projector_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

CHROMIUM = Path(os.environ.get("DISTRIBUTION_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps knocking on this machine's closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Bounded waits of Playwright's expect(): long enough for a loaded 2-core machine.
EXPECT_TIMEOUT_MS = 15_000

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (test extra)")
    if not missing:
        return
    message = "browser tests need " + " and ".join(missing)
    if os.environ.get("DISTRIBUTION_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module.

    Playwright's sync API keeps an event loop on this thread while it runs: stopped at the
    module's end, it leaves no loop behind for the asyncio tests that follow.
    """
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context at the lecturer's projector's size (1400x900)."""
    context = projector_context(browser)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and a page in it; a JavaScript dialog fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", on_dialog)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield opened
    finally:
        context.close()
    assert not dialogs, f"a script ran and opened a dialog: {dialogs}"
    assert not errors, f"the page's scripts failed: {errors}"
