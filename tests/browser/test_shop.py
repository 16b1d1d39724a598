"""A person shops in the browser: register, add, remove, check out, history; a reload keeps the session."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.network import Network, running_network
from tests.browser.shop_steps import add, cart_row, catalog_row, register

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
MAKER = "<img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    offers = {"Acme Foods": {"Bolts": 50, "Nuts": 50}, MAKER: {SCRIPT: 5}}
    with running_network(tmp_path_factory.mktemp("shop"), offers) as running:
        yield running


def test_a_person_registers_adds_removes_checks_out_and_finds_the_order(network: Network, page: Page) -> None:
    bolts, nuts = network.lines["Bolts"], network.lines["Nuts"]
    register(page, network.url, "Ann")
    expect(catalog_row(page, bolts).locator("td.maker")).to_have_text("Acme Foods")

    add(page, bolts, 2)
    add(page, nuts, 1)
    expect(cart_row(page, bolts).locator("td.expiry")).to_have_text(re.compile(r"\(\d+ s\)"))
    expect(page.locator("#cart-total")).to_have_text("$7.50")
    cart_row(page, nuts).locator("button.remove").click()
    expect(cart_row(page, nuts)).to_have_count(0)
    expect(page.locator("#cart-total")).to_have_text("$5.00")

    page.click("#checkout")
    expect(page.locator("#checkout-result .placed")).to_have_text(re.compile(r"Order placed: \$5\.00"))
    expect(page.locator("#cart tbody tr")).to_have_count(0)
    order = page.locator("#orders li.order")
    expect(order).to_have_count(1)
    expect(order).to_contain_text("2 \N{MULTIPLICATION SIGN} Bolts (Acme Foods)")


def test_a_reload_keeps_the_session_in_an_httponly_cookie(network: Network, page: Page) -> None:
    register(page, network.url, "Bea")
    add(page, network.lines["Bolts"], 1)
    page.reload()
    expect(page.locator("#shopper-name")).to_have_text("Bea")
    expect(cart_row(page, network.lines["Bolts"])).to_be_visible()
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["shop"]["httpOnly"] and cookies["shop"]["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""


def test_a_script_named_product_renders_as_text(network: Network, page: Page) -> None:
    line = network.lines[SCRIPT]
    register(page, network.url, SCRIPT)
    expect(page.locator("#shopper-name")).to_have_text(SCRIPT)
    row = catalog_row(page, line)
    expect(row.locator("td.product")).to_have_text(SCRIPT)
    expect(row.locator("td.maker")).to_have_text(MAKER)
    expect(page.locator("main img")).to_have_count(0)

    page.goto(network.url + "/")
    expect(page.locator(f'#stock tr[data-line-id="{line}"] td.product')).to_have_text(SCRIPT)
    expect(page.locator("#stock tr.maker td.maker-name", has_text=MAKER)).to_have_count(1)
    expect(page.locator("main img")).to_have_count(0)
