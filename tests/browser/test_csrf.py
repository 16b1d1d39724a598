"""Writes need this browser's CSRF token, a JSON body and no foreign origin (no browser needed)."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.browser.network import Network, running_network

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    with running_network(tmp_path_factory.mktemp("csrf"), {"Acme Foods": {"Bolts": 5}}) as running:
        yield running


class _Browserish:
    """A cookie-keeping HTTP client that has loaded the shop page (so it holds a CSRF cookie and token)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with self.opener.open(url + "/shop") as page:
            html = page.read().decode()
            self.csp = page.headers["Content-Security-Policy"]
        found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', html)
        assert found is not None
        self.token = found.group(1)

    def post(self, path: str, body: object, headers: dict[str, str]) -> int:
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with self.opener.open(request) as reply:
                return int(reply.status)
        except urllib.error.HTTPError as error:
            return error.code


REGISTRATION = {"name": "Dan", "card_number": "4242424242424242", "expiry_month": 12, "expiry_year": 2031}


def test_a_post_without_the_token_from_another_origin_or_as_a_form_is_refused(network: Network) -> None:
    client = _Browserish(network.url)
    json_type = {"Content-Type": "application/json"}
    assert client.post("/api/shop/register", REGISTRATION, json_type) == 403
    assert client.post("/api/shop/register", REGISTRATION, {**json_type, "X-CSRF-Token": "0" * 64}) == 403
    signed = {"X-CSRF-Token": client.token}
    assert client.post("/api/shop/register", REGISTRATION, {**signed, "Content-Type": "text/plain"}) == 403
    foreign = {**json_type, **signed, "Origin": "http://evil.example"}
    assert client.post("/api/shop/register", REGISTRATION, foreign) == 403
    assert client.post("/api/shop/register", REGISTRATION, {**json_type, **signed}) == 200


def test_pages_allow_scripts_from_this_site_only(network: Network) -> None:
    client = _Browserish(network.url)
    assert "script-src 'self'" in client.csp and "unsafe-inline" not in client.csp
