"""Guessing the operator key is throttled per address and in total; each log-in is its own session."""

from __future__ import annotations

import socket
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from tests.browser.network import OPERATOR_KEY, Network, running_network
from tests.web.client import Client, Reply

pytestmark = pytest.mark.e2e

ATTACK_S = 3.0
STREAM_END_S = 30.0


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    with running_network(tmp_path_factory.mktemp("login"), {"Acme Foods": {"Bolts": 5}}) as running:
        yield running


def _log_in(client: Client, key: str) -> Reply:
    """A log-in, waiting out a 429 of the total cap (bounded) as a person would."""
    deadline = time.monotonic() + 10
    while True:
        reply = client.post("/api/hq/login", {"key": key})
        if reply.status != 429 or time.monotonic() > deadline:
            return reply
        time.sleep(min(0.2, float(reply.headers["retry-after"])))


def test_wrong_keys_from_one_address_are_slowed_and_the_right_key_still_works(network: Network) -> None:
    attacker = Client(network.url, source="127.0.0.3")
    checked, throttled, retry_after = 0, 0, set()
    started = time.monotonic()
    while time.monotonic() - started < ATTACK_S:
        reply = attacker.post("/api/hq/login", {"key": f"guess-{checked + throttled}"})
        if reply.status == 429:
            throttled += 1
            retry_after.add(int(reply.headers["retry-after"]))
            assert reply.json()["reason"] == "TOO_MANY_TRIES"
        else:
            assert reply.status == 403
            checked += 1
    print(
        f"wrong keys checked in {ATTACK_S:.0f} s from one address: {checked}; refused unchecked: {throttled}"
    )
    # Three free tries, then waits of 0.5, 1 and 2 s: at most 6 keys are compared in 3 s.
    assert checked <= 6 and throttled > checked and min(retry_after) >= 1
    operator = Client(network.url, source="127.0.0.4")
    assert _log_in(operator, OPERATOR_KEY).status == 200
    assert "hq_login.js" not in operator.request("GET", "/hq").text


def test_each_log_in_is_its_own_session_and_log_out_ends_it(network: Network) -> None:
    first, second = Client(network.url, source="127.0.0.5"), Client(network.url, source="127.0.0.5")
    assert _log_in(first, OPERATOR_KEY).status == 200
    assert _log_in(second, OPERATOR_KEY).status == 200
    assert first.cookies["hq"] != second.cookies["hq"] and len(first.cookies["hq"]) >= 40
    stale_cookie = {"Cookie": f"hq={first.cookies['hq']}; csrf={first.cookies['csrf']}"}
    assert "hq_login.js" not in first.request("GET", "/hq").text
    assert first.post("/api/hq/logout", {}).status == 200
    # The old cookie, sent again after log-out, opens neither the page nor its event stream.
    assert "hq_login.js" in first.request("GET", "/hq", headers=stale_cookie).text
    assert first.request("GET", "/events/hq", headers=stale_cookie).status == 403
    # The other log-in's session is untouched.
    assert "hq_login.js" not in second.request("GET", "/hq").text


def test_an_open_headquarters_stream_ends_after_log_out(network: Network) -> None:
    operator = Client(network.url, source="127.0.0.6")
    assert _log_in(operator, OPERATOR_KEY).status == 200
    parts = urllib.parse.urlsplit(network.url)
    stream = socket.create_connection((parts.hostname or "", parts.port or 0), timeout=STREAM_END_S)
    with stream:
        cookie = f"hq={operator.cookies['hq']}"
        stream.sendall(
            f"GET /events/hq HTTP/1.1\r\nHost: {parts.netloc}\r\nCookie: {cookie}\r\n\r\n".encode()
        )
        assert b"200 OK" in stream.recv(4096)
        assert operator.post("/api/hq/logout", {}).status == 200
        # The stream ends at its next update or keepalive (every 15 s) at the latest.
        started = time.monotonic()
        received = b""
        # The last chunk of a chunked reply: the stream was ended by the node (a hang times out).
        while not received.endswith(b"0\r\n\r\n"):
            chunk = stream.recv(65536)
            if not chunk:
                break
            received += chunk
        assert time.monotonic() - started < STREAM_END_S
