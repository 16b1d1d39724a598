"""What a person does on the shop page, step by step, for the browser tests."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

TEST_CARD = ("4242 4242 4242 4242", "12", "2031")


def register(page: Page, url: str, name: str) -> None:
    """Opens the shop and registers ``name`` with the test card."""
    page.goto(url + "/shop")
    page.fill("#name", name)
    number, month, year = TEST_CARD
    page.fill("#card-number", number)
    page.fill("#expiry-month", month)
    page.fill("#expiry-year", year)
    page.click("#register button[type=submit]")
    expect(page.locator("#shopper-name")).to_have_text(name)


def catalog_row(page: Page, line_id: int) -> Locator:
    """The catalog's row of a stock line."""
    return page.locator(f'#catalog tr[data-line-id="{line_id}"]')


def cart_row(page: Page, line_id: int) -> Locator:
    """The cart's row of a stock line."""
    return page.locator(f'#cart tr[data-line-id="{line_id}"]')


def add(page: Page, line_id: int, quantity: int) -> None:
    """Adds ``quantity`` units of a line and waits for the cart to show them."""
    row = catalog_row(page, line_id)
    row.locator("input.qty").fill(str(quantity))
    row.locator("button.add").click()
    expect(cart_row(page, line_id)).to_be_visible()
