"""Hostile requests through the real web node and central: each gets a clean 4xx in plain words."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.network import Network, running_network
from tests.web.client import Client, Reply

pytestmark = pytest.mark.e2e

REGISTRATION = {"name": "Dan", "card_number": "4242424242424242", "expiry_month": 12, "expiry_year": 2031}
# Words of Python's or gRPC's own that must never reach a person.
FOREIGN_TEXT = ("Traceback", "Error", "grpc", "ipv4", "UNKNOWN:", "exceeds", "larger than max", "surrogate")


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    directory = tmp_path_factory.mktemp("hostile")
    with running_network(directory, {"Acme Foods": {"Bolts": 50}}) as running:
        yield running
    log = (directory / "web.log").read_text()
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture
def shopper(network: Network) -> Client:
    client = Client(network.url)
    assert client.post("/api/shop/register", REGISTRATION).status == 200
    return client


def _plainly_refused(reply: Reply, *statuses: int) -> None:
    assert reply.status in statuses, (reply.status, reply.text[:300])
    message = str(reply.json()["error"])
    assert message and not any(word in message for word in FOREIGN_TEXT), message


def test_deep_json_long_numbers_and_non_ascii_digits_get_400(network: Network, shopper: Client) -> None:
    line = network.lines["Bolts"]
    _plainly_refused(shopper.post("/api/shop/cart/add", b"[" * 200 + b"]" * 200), 400)
    _plainly_refused(shopper.post("/api/shop/cart/add", b'{"a":' * 100 + b"1" + b"}" * 100), 400)
    _plainly_refused(shopper.post("/api/shop/register", b'{"expiry_year": ' + b"9" * 1500 + b"}"), 400)
    _plainly_refused(shopper.post("/api/shop/cart/add", {"stock_line_id": line, "quantity": "²"}), 400)
    _plainly_refused(shopper.post("/api/shop/cart/add", {"stock_line_id": line, "quantity": "1²"}), 400)
    _plainly_refused(shopper.post("/api/shop/register", {**REGISTRATION, "expiry_month": "¹²"}), 400)
    _plainly_refused(shopper.post("/api/shop/cart/add", b'{"quantity": NaN}'), 400)
    assert shopper.post("/api/shop/cart/add", {"stock_line_id": line, "quantity": "2"}).status == 200


def test_bodies_too_large_or_too_deep_for_the_route_get_413_before_they_are_read(
    network: Network, shopper: Client
) -> None:
    _plainly_refused(shopper.post("/api/shop/cart/add", b"[" * 20_000 + b"]" * 20_000), 413)
    _plainly_refused(shopper.post("/api/shop/register", b'{"expiry_year": ' + b"9" * 5000 + b"}"), 413)
    big_name = json.dumps({**REGISTRATION, "name": "x" * 10_000_000}).encode()
    _plainly_refused(shopper.post("/api/shop/register", big_name), 413)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/shop/register", "name"),
        ("/api/shop/register", "card_number"),
        ("/api/shop/checkout", "idempotency_key"),
    ],
)
def test_a_lone_surrogate_in_any_text_is_refused(
    network: Network, shopper: Client, path: str, field: str
) -> None:
    body = {**REGISTRATION, "idempotency_key": "abcdefgh-1234"}
    raw = json.dumps(body).replace(json.dumps(body[field]), json.dumps("ab\ud800cdefgh-12"))
    _plainly_refused(shopper.post(path, raw.encode()), 400)


def test_a_lone_surrogate_as_the_operator_key_is_a_wrong_key(network: Network) -> None:
    client = Client(network.url, source="127.0.0.9")
    _plainly_refused(client.post("/api/hq/login", b'{"key": "\\ud800"}'), 403)


def _cookie(token: str, name: str = "Dan") -> str:
    raw = json.dumps({"t": token, "n": name, "c": "4242"}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cookie",
    [
        _cookie("abc\ndef"),
        _cookie("abcé"),
        _cookie("\ud800abc"),
        _cookie("abc", name="\ud800"),
        "é" * 30,
        "A" * 20_000,
    ],
)
def test_a_forged_shop_cookie_is_no_session(network: Network, cookie: str) -> None:
    client = Client(network.url)
    headers = {"Cookie": f"shop={cookie}".encode("utf-8", "surrogatepass").decode("latin-1")}
    _plainly_refused(client.request("GET", "/api/shop/state", headers=headers), 401)
    page = client.request("GET", "/shop", headers=headers)
    assert page.status == 200


def test_another_sites_host_name_is_refused_and_ours_are_served(network: Network) -> None:
    client = Client(network.url)
    port = network.url.rsplit(":", 1)[1]
    assert client.request("GET", "/", headers={"Host": f"rebound.example:{port}"}).status == 400
    assert client.request("GET", "/hq", headers={"Host": "evil.example"}).status == 400
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
        assert client.request("GET", "/", headers={"Host": host}).status == 200


def test_with_the_central_down_a_shopper_reads_the_projects_words(network: Network, shopper: Client) -> None:
    assert network.central_process is not None
    network.central_process.terminate()
    network.central_process.wait(timeout=20)
    reply = shopper.post("/api/shop/cart/add", {"stock_line_id": network.lines["Bolts"], "quantity": 1})
    _plainly_refused(reply, 503)
    assert reply.json()["error"] == "The central is not answering; try again in a moment."
    _plainly_refused(shopper.post("/api/shop/register", REGISTRATION), 503)


def test_no_reply_was_a_500(network: Network, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Runs last in the module: the log so far holds one line per refusal and no traceback.
    logs = list(Path(tmp_path_factory.getbasetemp()).glob("hostile*/web.log"))
    assert logs
    text = logs[0].read_text()
    assert "refused 400 MALFORMED" in text and "Traceback" not in text, text[-3000:]
    assert "refused 400 BAD_HOST: 'evil.example'" in text and "refused 413 TOO_LARGE" in text
