"""The dashboard follows the network live; headquarters asks for the operator key."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.network import OPERATOR_KEY, Network, buy, running_network

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    offers = {"Acme Foods": {"Bolts": 40, "Gadgets": 2}}
    with running_network(tmp_path_factory.mktemp("dashboard"), offers) as running:
        yield running


def test_the_dashboard_updates_when_a_sale_happens_elsewhere(network: Network, page: Page) -> None:
    page.goto(network.url + "/")
    bolts = page.locator(f'#stock tr[data-line-id="{network.lines["Bolts"]}"]')
    expect(page.locator("#month-title")).to_have_text("Month 1 OPEN")
    expect(bolts.locator("td.sold")).to_have_text("0")
    expect(page.locator("#connection")).to_have_text("live")

    buy(network, "Bolts", 3, "dash-bolts")
    expect(bolts.locator("td.sold")).to_have_text("3")
    expect(page.locator("#order-count")).to_have_text("1")
    expect(page.locator("#revenue")).to_have_text("$7.50")

    buy(network, "Gadgets", 2, "dash-gadgets")
    expect(page.locator("#feed li.sold_out")).to_contain_text("Gadgets (Acme Foods) sold out")
    expect(page.locator(f'#stock tr[data-line-id="{network.lines["Gadgets"]}"]')).to_have_class(
        re.compile(r"\bout\b")
    )


def test_headquarters_refuses_a_wrong_key_and_opens_for_the_right_one(network: Network, page: Page) -> None:
    page.goto(network.url + "/hq")
    page.fill("#operator-key", "not-the-key")
    page.click("#hq-login button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("Wrong operator key.")
    expect(page.locator("#hq-days")).to_have_count(0)
    assert not any(cookie["name"] == "hq" for cookie in page.context.cookies())

    page.fill("#operator-key", OPERATOR_KEY)
    page.click("#hq-login button[type=submit]")
    expect(page.locator("#hq-days")).to_be_visible()
    expect(page.locator("#hq-flagged li")).to_have_text("none")
    hq = next(cookie for cookie in page.context.cookies() if cookie["name"] == "hq")
    assert hq["httpOnly"] and hq["sameSite"] == "Strict" and OPERATOR_KEY not in hq["value"]


def test_the_operator_stream_needs_the_login(network: Network, page: Page) -> None:
    reply = page.request.get(network.url + "/events/hq")
    assert reply.status == 403
