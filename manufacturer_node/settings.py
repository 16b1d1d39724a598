"""Settings of a manufacturer node, built from CLI flags and environment variables in one place."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nodekit import addresses
from nodekit.config import apply_environment
from nodekit.key_files import key_argument
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
from nodekit.tls import TlsClientConfig, add_client_tls_arguments, client_tls_from_args


@dataclass(frozen=True)
class ManufacturerSettings:
    """How one manufacturer runs.

    Attributes:
        central: Address of the central (host:port), or several comma-separated.
        name: The manufacturer's configured name.
        key: Its configured key (bearer token); never logged.
        seed: Seeds its product lines, prices, rates and capacities.
        month_seconds: Expected length of a trading month in real seconds; the
            production plan spreads next month's recommended units over it.
        give_up_s: How long to keep reconnecting to an absent central before exiting 1.
        tls: CA (and client certificate for mTLS), or None for plaintext.
        log_level: Logging level name.
        observability: Metrics endpoint and log format (``nodekit.observability``).
    """

    central: str
    name: str
    key: str
    seed: int = 0
    month_seconds: float = 6.0
    give_up_s: float = 300.0
    tls: TlsClientConfig | None = None
    log_level: str = "INFO"
    observability: Observability = field(default_factory=Observability)


ENV_NAMES = {"--key": "DISTRIBUTION_MANUFACTURER_KEY", "--key-file": "DISTRIBUTION_MANUFACTURER_KEY_FILE"}


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m manufacturer_node``; every flag also reads its variable."""
    parser = argparse.ArgumentParser(prog="python -m manufacturer_node", description="A manufacturer.")
    parser.add_argument("--central", required=True, metavar=addresses.METAVAR, help=addresses.HELP)
    parser.add_argument("--name", required=True, help="the name configured at the central")
    parser.add_argument("--key", help="its key (shows in ps: prefer the variable or --key-file)")
    parser.add_argument("--key-file", type=Path, metavar="FILE", help="owner-only file holding its key")
    parser.add_argument("--seed", type=int, default=0, help="seeds its products, prices and capacities")
    parser.add_argument(
        "--month-seconds",
        type=float,
        default=6.0,
        help="expected month length the production plan spreads over",
    )
    parser.add_argument(
        "--give-up-seconds", type=float, default=300.0, help="how long to reconnect to an absent central"
    )
    add_client_tls_arguments(parser)
    parser.add_argument("--log-level", default="INFO", help="logging level")
    add_observability_arguments(parser)
    return apply_environment(parser, env, names=ENV_NAMES, secret=("--key",))


def parse_args(
    argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ
) -> ManufacturerSettings:
    """Builds settings from flags and their variables; the key may come from ``--key-file``."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    central = addresses.central_argument(parser, args.central)
    key = key_argument(parser, args.key, args.key_file)
    if not key:
        parser.error("--key-file, DISTRIBUTION_MANUFACTURER_KEY or --key is required")
    if args.month_seconds <= 0 or args.give_up_seconds <= 0:
        parser.error("--month-seconds and --give-up-seconds must be positive")
    tls = client_tls_from_args(parser, args)
    return ManufacturerSettings(
        central=central,
        name=args.name,
        key=key,
        seed=args.seed,
        month_seconds=args.month_seconds,
        give_up_s=args.give_up_seconds,
        tls=tls,
        log_level=args.log_level,
        observability=observability_from(args),
    )
