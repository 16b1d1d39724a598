"""Settings of the central, built from CLI flags and environment variables in one place."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from central.startup import database_url
from nodekit.config import apply_environment
from nodekit.key_files import key_argument, pairs_argument
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
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
        observability: Metrics endpoint and log format (``nodekit.observability``).
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
    observability: Observability = field(default_factory=Observability)


def _pairs(values: Sequence[str], flag: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, key = value.partition("=")
        if not sep or not name.strip() or not key:
            # The value is not echoed: it may be a key typed without its name.
            raise SystemExit(f"{flag} takes NAME=KEY; one value has no NAME= or no KEY")
        pairs[name.strip()] = key
    return pairs


# Names kept where ``DISTRIBUTION_<FLAG>`` would mislead: these hold keys, not one name.
ENV_NAMES = {
    "--manufacturer": "DISTRIBUTION_MANUFACTURER_KEYS",
    "--manufacturer-keys-file": "DISTRIBUTION_MANUFACTURER_KEYS_FILE",
    "--branch": "DISTRIBUTION_BRANCH_KEYS",
    "--branch-keys-file": "DISTRIBUTION_BRANCH_KEYS_FILE",
}
SECRET_FLAGS = ("--operator-key", "--manufacturer", "--branch", "--card-key")


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m central``; every flag also reads its ``DISTRIBUTION_*`` variable."""
    parser = argparse.ArgumentParser(
        prog="python -m central",
        description="The central distributor. Keys given as flags show in ps: prefer the *-file flags "
        "or the environment.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=50051, help="port to listen on; 0 takes a free one")
    parser.add_argument(
        "--db",
        default="sqlite+aiosqlite:///central.sqlite3",
        help="database URL, or the path of a SQLite file",
    )
    parser.add_argument(
        "--operator-key",
        default="",
        help="the operator's key (shows in ps: prefer the variable or --operator-key-file); "
        "made and kept in a file when unset",
    )
    parser.add_argument(
        "--operator-key-file", type=Path, metavar="FILE", help="owner-only file holding the operator's key"
    )
    parser.add_argument(
        "--manufacturer", action="append", default=[], metavar="NAME=KEY", help="a manufacturer and its key"
    )
    parser.add_argument(
        "--manufacturer-keys-file", type=Path, metavar="FILE", help="owner-only file of NAME=KEY lines"
    )
    parser.add_argument(
        "--branch", action="append", default=[], metavar="NAME=KEY", help="a branch store and its key"
    )
    parser.add_argument(
        "--branch-keys-file", type=Path, metavar="FILE", help="owner-only file of NAME=KEY lines"
    )
    parser.add_argument(
        "--card-key", default="dev-card-fingerprint-key", help="secret of the card fingerprints (HMAC)"
    )
    parser.add_argument(
        "--reservation-ttl-seconds", type=float, default=900.0, help="how long an add-to-cart holds units"
    )
    parser.add_argument(
        "--offer-deadline-ms", type=int, default=3000, help="default wait for the manufacturers' offers"
    )
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
    parser.add_argument("--log-level", default="INFO", help="logging level")
    add_observability_arguments(parser)
    return apply_environment(parser, env, names=ENV_NAMES, secret=SECRET_FLAGS)


def parse_args(argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ) -> CentralSettings:
    """Builds settings from flags, their ``DISTRIBUTION_*`` variables and the key files."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    try:
        tls = server_tls_config(args.tls_cert, args.tls_key, args.tls_client_ca)
    except TlsConfigError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    return CentralSettings(
        host=args.host,
        port=args.port,
        db_url=database_url(args.db),
        operator_key=key_argument(parser, args.operator_key, args.operator_key_file),
        manufacturer_keys=_pairs(
            pairs_argument(parser, args.manufacturer, args.manufacturer_keys_file),
            "--manufacturer (and its file)",
        ),
        branch_keys=_pairs(
            pairs_argument(parser, args.branch, args.branch_keys_file), "--branch (and its file)"
        ),
        card_key=args.card_key.encode(),
        reservation_ttl_s=args.reservation_ttl_seconds,
        offer_deadline_ms=args.offer_deadline_ms,
        rate_per_s=args.rate_limit,
        tls=tls,
        log_level=args.log_level,
        observability=observability_from(args),
    )
