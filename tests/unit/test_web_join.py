"""The Join panel's routes: the public card, the QR code, the wheel (only from its folder) and the CA."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.types import Message

from web_node.join import JOIN_CA_ENV, JOIN_CARD_ENV, WHEEL_DIR_ENV, join_routes

WHEEL = "distribution_network-0.1.0-py3-none-any.whl"
SHOP = "http://10.0.0.5:8080/shop"


async def get(app: Starlette, path: str) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI app: status, headers, body."""
    sent: list[Message] = []
    requested = False

    async def receive() -> Message:
        nonlocal requested
        if requested:  # a file response listens for a disconnect until it is done: none comes
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [], "scheme": "http", "server": ("test", 80), "root_path": ""}  # fmt: skip
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return int(start["status"]), headers, body


def app_with(tmp_path: Path) -> Starlette:
    wheels = tmp_path / "wheel"
    wheels.mkdir()
    (tmp_path / "secret.whl").write_bytes(b"not yours")
    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    card = {"shop_url": SHOP, "central": "10.0.0.5:5000", "install": ["python3 -m venv shop-venv"]}
    env = {JOIN_CARD_ENV: json.dumps(card), WHEEL_DIR_ENV: str(wheels), JOIN_CA_ENV: str(ca)}
    return Starlette(routes=join_routes(env))


async def test_the_card_and_a_qr_code_of_the_shop(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    status, _, body = await get(app, "/join/card")
    assert status == 200 and json.loads(body)["shop_url"] == SHOP
    status, headers, svg = await get(app, "/join/qr.svg")
    assert status == 200 and headers["content-type"] == "image/svg+xml" and svg.startswith(b"<svg")


async def test_the_wheel_is_served_once_built_and_nothing_else_is(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    status, headers, _ = await get(app, f"/join/wheel/{WHEEL}")
    assert status == 503 and headers["retry-after"] == "5"
    (tmp_path / "wheel" / WHEEL).write_bytes(b"PK wheel")
    status, _, body = await get(app, f"/join/wheel/{WHEEL}")
    assert status == 200 and body == b"PK wheel"
    for outside in ("/join/wheel/..%2Fsecret.whl", "/join/wheel/.hidden.whl", "/join/wheel/ca.crt"):
        status, _, body = await get(app, outside)
        assert status == 404 and b"not yours" not in body, outside


async def test_the_ca_only_in_a_tls_run(tmp_path: Path) -> None:
    status, _, body = await get(app_with(tmp_path), "/join/ca.pem")
    assert status == 200 and body.startswith(b"-----BEGIN CERTIFICATE")
    status, _, body = await get(Starlette(routes=join_routes({})), "/join/ca.pem")
    assert status == 404 and b"does not use TLS" in body
