"""The web node under a class, in Chromium: tabs closing in a flood, hostile text, a guessed key, log-out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.network import OPERATOR_KEY, Network, buy, running_network
from tests.web.client import Client

pytestmark = pytest.mark.browser

TABS = 40
# What a page posts with its own CSRF token, from inside the page (as a script of the site would).
POST = """async ([url, body]) => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const reply = await fetch(url, {method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body});
  return [reply.status, (await reply.json()).error];
}"""


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    directory = tmp_path_factory.mktemp("classroom")
    with running_network(directory, {"Acme Foods": {"Bolts": 100}}) as running:
        yield running
    assert "Traceback" not in (directory / "web.log").read_text()


def test_a_dashboard_keeps_updating_while_a_rooms_tabs_open_and_close(
    network: Network, page: Page, browser: Browser
) -> None:
    page.goto(network.url + "/")
    sold = page.locator(f'#stock tr[data-line-id="{network.lines["Bolts"]}"] td.sold')
    expect(sold).to_have_text("0")
    for round_ in range(TABS // 10):
        # A context per tab, as per person: Chromium keeps 6 connections a host within one.
        contexts = [browser.new_context() for _ in range(10)]
        try:
            for context in contexts:
                context.new_page().goto(network.url + "/", wait_until="commit")
            buy(network, "Bolts", 1, f"room-{round_}")
        finally:
            for context in contexts:
                context.close()
    expect(sold).to_have_text(str(TABS // 10))
    buy(network, "Bolts", 2, "room-after")
    expect(sold).to_have_text(str(TABS // 10 + 2))
    expect(page.locator("#connection")).to_have_text("live")


def test_text_that_cannot_be_sent_on_is_refused_in_plain_words(network: Network, page: Page) -> None:
    page.goto(network.url + "/shop")
    body = '{"name": "\\ud800", "card_number": "4242424242424242", "expiry_month": 12, "expiry_year": 2031}'
    status, error = page.evaluate(POST, ["/api/shop/register", body])
    assert status == 400 and "name" in error
    status, error = page.evaluate(POST, ["/api/shop/register", '{"name": "Dan", "expiry_month": "²"}'])
    assert status == 400 and "digits" in error
    status, error = page.evaluate(POST, ["/api/shop/register", "[" * 100 + "]" * 100])
    assert status == 400 and error == "The request is nested too deeply."


def test_after_a_guessing_attack_the_operator_logs_in_and_out(network: Network, page: Page) -> None:
    attacker = Client(network.url, source="127.0.0.7")
    statuses = {attacker.post("/api/hq/login", {"key": f"guess-{n}"}).status for n in range(50)}
    assert statuses == {403, 429}
    page.goto(network.url + "/hq")
    page.fill("#operator-key", OPERATOR_KEY)
    page.click("#hq-login button[type=submit]")
    expect(page.locator("#hq-days")).to_be_visible()
    (session,) = [cookie for cookie in page.context.cookies() if cookie["name"] == "hq"]
    # The page's script follows the figures once it has wired the log-out button: a click before
    # that (the table shows first, on a busy machine seconds before) would go nowhere.
    expect(page.locator("#connection")).to_have_text("live")
    page.click("#hq-logout")
    expect(page.locator("#operator-key")).to_be_visible()
    # The session's cookie, put back by hand, opens nothing any more.
    reply = page.request.get(network.url + "/events/hq", headers={"Cookie": f"hq={session['value']}"})
    assert reply.status == 403
