"""Settings of the central, each declared once; its flags and variables derive from them."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from central.startup import database_url
from nodekit.config import apply_environment
from nodekit.declared import add_arguments, from_args, setting
from nodekit.key_files import key_argument, pairs_argument
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
from nodekit.tls import TlsConfigError, TlsServerConfig, server_tls_config


@dataclass(frozen=True, kw_only=True)
class CentralSettings:
    """How the central runs; the keys (never logged), ``tls`` and ``observability`` as below.

    ``operator_key`` empty makes ``python -m central`` make one and keep it in an owner-only
    file (``central.operator_key``); ``manufacturer_keys`` and ``branch_keys`` map a name to its
    key (``--manufacturer``/``--branch NAME=KEY`` or their files); ``tls`` None is plaintext.
    """

    host: str = setting("127.0.0.1", help="interface to listen on")
    port: int = setting(50051, help="port to listen on; 0 takes a free one")
    # The flag also takes a plain path; ``parse_args`` makes it a URL.
    db_url: str = setting(
        "sqlite+aiosqlite:///central.sqlite3", flag="--db", help="database URL, or the path of a SQLite file"
    )
    operator_key: str = setting(
        "",
        secret=True,
        help="the operator's key (shows in ps: prefer the variable or --operator-key-file); "
        "made and kept in a file when unset",
    )
    manufacturer_keys: Mapping[str, str] = field(default_factory=dict)
    branch_keys: Mapping[str, str] = field(default_factory=dict)
    card_key: bytes = setting(
        b"dev-card-fingerprint-key",
        secret=True,
        parse=str.encode,
        help="secret of the card fingerprints (HMAC)",
    )
    reservation_ttl_s: float = setting(
        900.0, flag="--reservation-ttl-seconds", help="how long an add-to-cart holds units"
    )
    sweep_interval_s: float = 1.0  # how often expired reservations are released
    offer_deadline_ms: int = setting(3000, help="default wait for the manufacturers' offers")
    watch_coalesce_s: float = 0.1  # least gap between two catalog stream messages to one watcher
    rate_per_s: float = setting(0.0, flag="--rate-limit", help="calls/s per caller; 0 = off")
    drain_grace_s: float = 5.0  # how long in-flight calls may finish at shutdown
    tls: TlsServerConfig | None = None
    log_level: str = setting("INFO", help="logging level")
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
SECRET_FLAGS = ("--manufacturer", "--branch")


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m central``; every flag also reads its ``DISTRIBUTION_*`` variable."""
    parser = argparse.ArgumentParser(
        prog="python -m central",
        description="The central distributor. Keys given as flags show in ps: prefer the *-file flags "
        "or the environment.",
    )
    add_arguments(parser, CentralSettings)
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
    return from_args(
        CentralSettings,
        args,
        db_url=database_url(args.db_url),
        operator_key=key_argument(parser, args.operator_key, args.operator_key_file),
        manufacturer_keys=_pairs(
            pairs_argument(parser, args.manufacturer, args.manufacturer_keys_file),
            "--manufacturer (and its file)",
        ),
        branch_keys=_pairs(
            pairs_argument(parser, args.branch, args.branch_keys_file), "--branch (and its file)"
        ),
        tls=tls,
        observability=observability_from(args),
    )
