"""Settings of the central, built from CLI flags and environment variables in one place."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from central.startup import database_url
from nodekit.tls import TlsConfigError, TlsServerConfig, server_tls_config


@dataclass(frozen=True)
class CentralSettings:
    """How the central runs.

    Attributes:
        host: Interface to listen on (loopback by default).
        port: Port; 0 picks a free one.
        db_url: SQLAlchemy async URL; SQLite file by default (``--db`` also takes a plain path).
        operator_key: Bearer token of the operator role; empty for none (``python -m central``
            then makes one and keeps it in an owner-only file, see ``central.operator_key``).
        manufacturer_keys: Manufacturer name -> its configured key.
        branch_keys: Branch name -> its configured key.
        card_key: Secret for card fingerprints (HMAC); never logged.
        reservation_ttl_s: How long an add-to-cart holds units.
        sweep_interval_s: How often expired reservations are released.
        offer_deadline_ms: Default wait for manufacturers' offers.
        watch_coalesce_s: Minimum gap between two catalog stream messages to one watcher.
        rate_per_s: Calls per second per caller (bursts of twice that); 0 disables the limit.
        drain_grace_s: How long in-flight calls may finish at shutdown.
        tls: Server certificate settings, or None for plaintext.
        log_level: Logging level name.
    """

    host: str = "127.0.0.1"
    port: int = 0
    db_url: str = "sqlite+aiosqlite:///central.sqlite3"
    operator_key: str = ""
    manufacturer_keys: Mapping[str, str] = field(default_factory=dict)
    branch_keys: Mapping[str, str] = field(default_factory=dict)
    card_key: bytes = b"dev-card-fingerprint-key"
    reservation_ttl_s: float = 900.0
    sweep_interval_s: float = 1.0
    offer_deadline_ms: int = 3000
    watch_coalesce_s: float = 0.1
    rate_per_s: float = 0.0
    drain_grace_s: float = 5.0
    tls: TlsServerConfig | None = None
    log_level: str = "INFO"


def _pairs(values: Sequence[str], flag: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, key = value.partition("=")
        if not sep or not name.strip() or not key:
            raise SystemExit(f"{flag} takes NAME=KEY, got {value!r}")
        pairs[name.strip()] = key
    return pairs


def parse_args(argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ) -> CentralSettings:
    """Builds settings from flags; secrets may also come from DISTRIBUTION_* variables."""
    parser = argparse.ArgumentParser(prog="python -m central", description="The central distributor.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=50051)
    parser.add_argument(
        "--db",
        default=env.get("DISTRIBUTION_DB", "sqlite+aiosqlite:///central.sqlite3"),
        help="database URL, or the path of a SQLite file",
    )
    parser.add_argument(
        "--operator-key",
        default=env.get("DISTRIBUTION_OPERATOR_KEY", ""),
        help="the operator's key (better: $DISTRIBUTION_OPERATOR_KEY); made and kept in a file when unset",
    )
    parser.add_argument("--manufacturer", action="append", default=[], metavar="NAME=KEY")
    parser.add_argument("--branch", action="append", default=[], metavar="NAME=KEY")
    parser.add_argument("--card-key", default=env.get("DISTRIBUTION_CARD_KEY", "dev-card-fingerprint-key"))
    parser.add_argument("--reservation-ttl-seconds", type=float, default=900.0)
    parser.add_argument("--offer-deadline-ms", type=int, default=3000)
    parser.add_argument("--rate-limit", type=float, default=0.0, help="calls/s per caller; 0 = off")
    parser.add_argument("--tls-cert", type=Path, metavar="FILE", help="server certificate (PEM): serve TLS")
    parser.add_argument(
        "--tls-key", type=Path, metavar="FILE", help="the server certificate's private key (PEM)"
    )
    parser.add_argument(
        "--tls-client-ca",
        type=Path,
        metavar="FILE",
        help="CA certificate (PEM): every client must present a certificate it signed (mutual TLS)",
    )
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    try:
        tls = server_tls_config(args.tls_cert, args.tls_key, args.tls_client_ca)
    except TlsConfigError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    return CentralSettings(
        host=args.host,
        port=args.port,
        db_url=database_url(args.db),
        operator_key=args.operator_key,
        manufacturer_keys=_pairs(args.manufacturer, "--manufacturer"),
        branch_keys=_pairs(args.branch, "--branch"),
        card_key=args.card_key.encode(),
        reservation_ttl_s=args.reservation_ttl_seconds,
        offer_deadline_ms=args.offer_deadline_ms,
        rate_per_s=args.rate_limit,
        tls=tls,
        log_level=args.log_level,
    )
