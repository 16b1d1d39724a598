"""A line that cannot be served at checkout is explained to the person, line by line."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.network import Network, buy_when_free, running_network
from tests.browser.shop_steps import add, cart_row, catalog_row, register

pytestmark = pytest.mark.browser

# Holds expire after a second, so another buyer can take the units before the person checks out.
HOLD_S = 1.0


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    offers = {"Acme Foods": {"Plenty": 100, "Last ones": 2}}
    with running_network(tmp_path_factory.mktemp("dropped"), offers, ttl_s=HOLD_S) as running:
        yield running


def test_a_dropped_line_is_explained(network: Network, page: Page) -> None:
    register(page, network.url, "Cleo")
    add(page, network.lines["Plenty"], 1)
    add(page, network.lines["Last ones"], 2)
    expect(cart_row(page, network.lines["Last ones"])).to_be_visible()

    # Once Cleo's hold has expired someone else buys both units.
    buy_when_free(network, "Last ones", 2, "dropped-other")

    page.click("#checkout")
    expect(page.locator("#checkout-result .placed")).to_have_text(
        re.compile(r"Order placed: \$2\.50 for 1 line")
    )
    expect(page.locator("#checkout-result .dropped-line")).to_have_text(
        "Last ones: you asked for 2, only 0 left — your hold had expired and others bought the units."
    )
    expect(page.locator("#orders li.order .dropped-line")).to_contain_text("Last ones: you asked for 2")


def test_what_a_person_typed_survives_a_catalog_update(network: Network, page: Page) -> None:
    register(page, network.url, "Dora")
    row = catalog_row(page, network.lines["Plenty"])
    before = row.locator(".available").inner_text()
    row.locator("input.qty").fill("7")
    # Someone else buys: the catalog is pushed again and redrawn while Dora has typed but not added.
    buy_when_free(network, "Plenty", 1, "typed-other")
    expect(row.locator(".available")).not_to_have_text(before)
    expect(row.locator("input.qty")).to_have_value("7")


def test_a_selection_in_the_quantity_box_survives_a_catalog_update(network: Network, page: Page) -> None:
    register(page, network.url, "Emil")
    row = catalog_row(page, network.lines["Plenty"])
    before = row.locator(".available").inner_text()
    box = row.locator("input.qty")
    box.select_text()
    # Someone else buys while Emil has the "1" selected: the catalog is pushed and shown again.
    buy_when_free(network, "Plenty", 1, "selected-other")
    expect(row.locator(".available")).not_to_have_text(before)
    # Typing replaces the selection, as it would have before the update.
    page.keyboard.type("2")
    expect(box).to_have_value("2")
