"""The dashboard's Join panel at the lecturer's 1400x900: every command of a TLS run's card whole.

The web node gets the card a launcher would give it for a room on a LAN address with three
centrals and TLS: the longest commands a card carries. Each must be readable in the panel
(wrapped, nothing past its edge or hidden in a scroll) and copy as the card's own text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from launcher.records.join import JOIN_CARD_ENV, JoinInfo
from nodekit.ports import free_port
from tests.browser.network import Network, running_network

pytestmark = pytest.mark.browser

ROOM = "https://192.168.100.200:8080/"
WEB_PORT = free_port()
# The card's web address is the node's own (its pages redirect to it); the rest is a room's.
CARD = JoinInfo(
    "192.168.100.200:50051,192.168.100.200:50052,192.168.100.200:50053",
    Path("/home/lecturer/runs/x/operator.key"),
    web_url=f"http://127.0.0.1:{WEB_PORT}/",
    wheel_url=f"{ROOM}join/wheel/distribution_network-0.1.0-py3-none-any.whl",
    ca_url=f"{ROOM}join/ca.pem",
    ca_fingerprint=":".join(["AB"] * 32),
    client_url=f"{ROOM}join/client.pem",
)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    directory = tmp_path_factory.mktemp("join-panel")
    env = {JOIN_CARD_ENV: CARD.public_json()}
    offers = {"Acme Foods": {"Bolts": 10}}
    with running_network(directory, offers, web_env=env, web_port=WEB_PORT) as running:
        yield running


def test_every_join_command_is_whole_in_the_panel_and_copies_as_printed(network: Network, wide: Page) -> None:
    wide.goto(network.url + "/")
    panel = wide.locator("#join-panel")
    expect(panel).to_be_visible()
    install = wide.locator("#join-install")
    # What a student selects and copies is the card's commands, one a line, as join.txt has them.
    expect(install).to_have_text("\n".join(CARD.install_commands))
    assert any(len(command) > 120 for command in CARD.install_commands)
    expect(wide.locator("#join-ca")).to_contain_text(CARD.ca_fingerprint)
    panel.scroll_into_view_if_needed()
    edge = panel.bounding_box()
    assert edge is not None
    for selector in ("#join-install", "#join-ca", "#join-shop"):
        box = wide.locator(selector).bounding_box()
        assert box is not None
        assert box["x"] >= edge["x"] and box["x"] + box["width"] <= edge["x"] + edge["width"], (
            f"{selector} runs past the panel's edge"
        )
        # Nothing cut off or hidden in a sideways scroll: the box is as wide as its text.
        hidden = wide.locator(selector).evaluate("node => node.scrollWidth - node.clientWidth")
        assert hidden <= 1, f"{selector} hides {hidden} px of its text"
    # Each command reads whole on screen: the box is tall enough for its wrapped lines.
    commands = wide.locator("#join-install")
    assert commands.evaluate("node => node.scrollHeight - node.clientHeight") <= 1
    assert float(commands.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")) >= 12
    public = json.dumps(CARD.public_card())
    assert "operator" not in public
