"""The join card of a run: the addresses the room dials, the wheel it installs, the CA it trusts."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from launcher.control.web import web_url
from launcher.records.addresses import is_loopback, shown_host, url_host
from launcher.records.join import JOIN_CARD_ENV, JoinInfo
from launcher.room.wheel import WHEEL_DIR, WHEEL_DIR_ENV, WHEEL_PATH, wheel_name
from launcher.settings import Settings
from launcher.supervise.students import CLIENT_PATH, JOIN_CLIENTS_ENV, students_json
from launcher.supervise.tls import BY_HAND, RunTls

JOIN_CA_ENV = "DISTRIBUTION_JOIN_CA"


@dataclass(frozen=True, slots=True)
class Room:
    """The card, the web node's Join variables, and the wheel to build (when the room can reach it)."""

    card: JoinInfo
    web_env: dict[str, str] = field(default_factory=dict)
    wheel_dir: Path | None = None


def announced(addresses: Sequence[str], host: str) -> str:
    """The centrals as the room dials them: each port on the address the room is told."""
    public = url_host(shown_host(host))
    return ",".join(f"{public}:{address.rpartition(':')[2]}" for address in addresses)


def fingerprint(ca_file: Path) -> str:
    """The SHA-256 fingerprint of a PEM certificate, as ``AB:CD:...`` (what browsers show)."""
    cert = x509.load_pem_x509_certificate(ca_file.read_bytes())
    digest = hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def plan_room(
    settings: Settings, centrals: Sequence[str], web_port: int, key_file: Path, tls: RunTls
) -> Room:
    """The card for ``settings`` (``web_port`` 0: no web node); the wheel only when the room reaches it."""
    # A TLS run's web node serves HTTPS (its pair signed by the run's CA).
    scheme = "https" if tls.web_server is not None else "http"
    url = web_url(settings.host, web_port, scheme) if web_port else ""
    env: dict[str, str] = {}
    wheel_url = ca_url = ca_print = ""
    wheel_dir = None
    # On loopback nobody else can reach the web node: the lecturer's own command is enough.
    name = wheel_name(settings.node_root) if url and not is_loopback(settings.host) else None
    if name is not None:
        wheel_dir = settings.run_dir / WHEEL_DIR
        wheel_url = f"{url}{WHEEL_PATH}{name}"
        env[WHEEL_DIR_ENV] = str(wheel_dir)
    client_url = ""
    if url and tls.ca_file is not None:
        ca_url, ca_print = f"{url}join/ca.pem", fingerprint(tls.ca_file)
        env[JOIN_CA_ENV] = str(tls.ca_file)
        students = students_json(tls)
        if students:
            client_url = f"{url}{CLIENT_PATH}"
            env[JOIN_CLIENTS_ENV] = students
    card = JoinInfo(
        announced(centrals, settings.host),
        key_file,
        url,
        tls.client_args(BY_HAND),
        wheel_url=wheel_url,
        ca_url=ca_url,
        ca_fingerprint=ca_print,
        client_url=client_url,
    )
    if url:
        env[JOIN_CARD_ENV] = card.public_json()
    return Room(card, env, wheel_dir)
