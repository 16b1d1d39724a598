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


@dataclass(frozen=True, kw_only=True)
class CentralSources:
    """Where the keys and certificates come from; ``parse_args`` reads them into ``CentralSettings``."""

    operator_key_file: Path | None = setting(
        None, metavar="FILE", help="owner-only file holding the operator's key"
    )
    # These hold keys, not one name: ``DISTRIBUTION_MANUFACTURER`` would mislead.
    manufacturer: tuple[str, ...] = setting(
        (),
        metavar="NAME=KEY",
        env="DISTRIBUTION_MANUFACTURER_KEYS",
        secret=True,
        help="a manufacturer and its key",
    )
    manufacturer_keys_file: Path | None = setting(
        None,
        metavar="FILE",
        env="DISTRIBUTION_MANUFACTURER_KEYS_FILE",
        help="owner-only file of NAME=KEY lines",
    )
    branch: tuple[str, ...] = setting(
        (),
        metavar="NAME=KEY",
        env="DISTRIBUTION_BRANCH_KEYS",
        secret=True,
        help="a branch store and its key",
    )
    branch_keys_file: Path | None = setting(
        None, metavar="FILE", env="DISTRIBUTION_BRANCH_KEYS_FILE", help="owner-only file of NAME=KEY lines"
    )
    tls_cert: Path | None = setting(None, metavar="FILE", help="server certificate (PEM): serve TLS")
    tls_key: Path | None = setting(None, metavar="FILE", help="the server certificate's private key (PEM)")
    tls_client_ca: Path | None = setting(
        None,
        metavar="FILE",
        help="CA certificate (PEM): every client must present a certificate it signed (mutual TLS)",
    )


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m central``; every flag also reads its ``DISTRIBUTION_*`` variable."""
    parser = argparse.ArgumentParser(
        prog="python -m central",
        description="The central distributor. Keys given as flags show in ps: prefer the *-file flags "
        "or the environment.",
    )
    add_arguments(parser, CentralSettings)
    add_arguments(parser, CentralSources)
    add_observability_arguments(parser)
    return apply_environment(parser, env)


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
