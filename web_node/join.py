"""The Join panel's routes: the card, a QR code of the shop's URL, the wheel, the CA and students' pairs."""

from __future__ import annotations

import functools
import io
import itertools
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import segno
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

# Set by the launcher: the public half of its join card (JSON), the folder of the run's wheel,
# the run's CA certificate, and the students' client pairs (a TLS run: a JSON list of
# [certificate, key] paths). None of them lets anyone act as the operator.
JOIN_CARD_ENV = "DISTRIBUTION_JOIN_CARD"
WHEEL_DIR_ENV = "DISTRIBUTION_WHEEL_DIR"
JOIN_CA_ENV = "DISTRIBUTION_JOIN_CA"
JOIN_CLIENTS_ENV = "DISTRIBUTION_JOIN_CLIENTS"
WHEEL_SUFFIX = ".whl"
# How long pip should wait before asking again while the launcher still builds the wheel.
RETRY_AFTER_S = "5"


def read_card(env: Mapping[str, str]) -> dict[str, object]:
    """The card the launcher handed over; empty when the web node runs without a launcher."""
    try:
        card = json.loads(env.get(JOIN_CARD_ENV, "") or "{}")
    except ValueError:
        return {}
    return card if isinstance(card, dict) else {}


def read_pairs(env: Mapping[str, str]) -> list[tuple[Path, Path]]:
    """The students' client pairs the launcher issued; none when the run has no TLS."""
    try:
        pairs = json.loads(env.get(JOIN_CLIENTS_ENV, "") or "[]")
    except ValueError:
        return []
    return [(Path(cert), Path(key)) for cert, key in pairs] if isinstance(pairs, list) else []


def handed_out(pairs: list[tuple[Path, Path]]) -> Iterator[tuple[Path, Path]]:
    """Each request the next student's pair; past the last, the first again (a pair grants no role)."""
    return itertools.cycle(pairs)


@functools.cache
def qr_svg(text: str) -> bytes:
    """``text`` as a QR code in SVG (medium error correction: it survives a projector's glare)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    return buffer.getvalue()


def join_routes(env: Mapping[str, str] = os.environ) -> list[Route]:
    """``/join/card``, ``/join/qr.svg``, ``/join/wheel/<file>``, ``/join/ca.pem`` and ``/join/client.pem``."""
    card = read_card(env)
    wheel_dir = Path(env[WHEEL_DIR_ENV]) if env.get(WHEEL_DIR_ENV) else None
    ca_file = Path(env[JOIN_CA_ENV]) if env.get(JOIN_CA_ENV) else None
    pairs = read_pairs(env)
    next_pair = handed_out(pairs)

    async def card_json(request: Request) -> Response:
        return JSONResponse(card, headers={"Cache-Control": "no-store"})

    async def qr(request: Request) -> Response:
        target = card.get("shop_url")
        if not isinstance(target, str) or not target:
            return PlainTextResponse("This run has no web shop to point a QR code at.", status_code=404)
        return Response(qr_svg(target), media_type="image/svg+xml")

    async def wheel(request: Request) -> Response:
        name = str(request.path_params["name"])
        # Only a wheel of the folder, by its plain name: no path reaches outside it.
        if wheel_dir is None or not name.endswith(WHEEL_SUFFIX) or "/" in name or name.startswith("."):
            return PlainTextResponse("No such file here.", status_code=404)
        path = wheel_dir / name
        if not path.is_file():
            return PlainTextResponse(
                "The wheel is still being built; try again in a few seconds.",
                status_code=503,
                headers={"Retry-After": RETRY_AFTER_S},
            )
        return FileResponse(path, media_type="application/octet-stream", filename=name)

    async def ca(request: Request) -> Response:
        if ca_file is None or not ca_file.is_file():
            return PlainTextResponse("This run does not use TLS: there is no CA to trust.", status_code=404)
        return FileResponse(ca_file, media_type="application/x-pem-file", filename="run-ca.pem")

    async def client(request: Request) -> Response:
        if not pairs:
            return PlainTextResponse(
                "This run does not use TLS: a shop needs no certificate.", status_code=404
            )
        cert, key = next(next_pair)
        # Certificate first, then its key: one file for the shop's --tls-cert and --tls-key.
        body = cert.read_bytes() + key.read_bytes()
        headers = {"Cache-Control": "no-store", "Content-Disposition": 'attachment; filename="client.pem"'}
        return Response(body, media_type="application/x-pem-file", headers=headers)

    return [
        Route("/join/card", card_json),
        Route("/join/client.pem", client),
        Route("/join/qr.svg", qr),
        Route("/join/wheel/{name}", wheel),
        Route("/join/ca.pem", ca),
    ]
