"""Settings of a manufacturer node, each declared once; its flags and variables derive from them."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nodekit import addresses
from nodekit.config import apply_environment
from nodekit.declared import add_arguments, from_args, setting
from nodekit.key_files import add_key_arguments, required_key
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
from nodekit.tls import TlsClientConfig, add_client_tls_arguments, client_tls_from_args


@dataclass(frozen=True, kw_only=True)
class ManufacturerSettings:
    """How one manufacturer runs; ``key`` (never logged), ``tls`` and ``observability`` have own flags."""

    central: str = setting(metavar=addresses.METAVAR, help=addresses.HELP)
    name: str = setting(help="the name configured at the central")
    key: str
    seed: int = setting(0, help="seeds its products, prices and capacities")
    month_seconds: float = setting(6.0, help="expected month length the production plan spreads over")
    give_up_s: float = setting(
        300.0, flag="--give-up-seconds", help="how long to reconnect to an absent central"
    )
    tls: TlsClientConfig | None = None
    log_level: str = setting("INFO", help="logging level")
    observability: Observability = field(default_factory=Observability)


KEY_VARIABLE = "DISTRIBUTION_MANUFACTURER_KEY"


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m manufacturer_node``; every flag also reads its variable."""
    parser = argparse.ArgumentParser(prog="python -m manufacturer_node", description="A manufacturer.")
    add_arguments(parser, ManufacturerSettings)
    add_key_arguments(parser, KEY_VARIABLE)
    add_client_tls_arguments(parser)
    add_observability_arguments(parser)
    return apply_environment(parser, env)


def parse_args(
    argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ
) -> ManufacturerSettings:
    """Builds settings from flags and their variables; the key may come from ``--key-file``."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    central = addresses.central_argument(parser, args.central)
    key = required_key(parser, args, KEY_VARIABLE)
    if args.month_seconds <= 0 or args.give_up_s <= 0:
        parser.error("--month-seconds and --give-up-seconds must be positive")
    return from_args(
        ManufacturerSettings,
        args,
        central=central,
        key=key,
        tls=client_tls_from_args(parser, args),
        observability=observability_from(args),
    )
