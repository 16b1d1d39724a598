"""Settings of a branch store, each declared once; its flags and variables derive from them."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from branch_node.tax import province
from nodekit import addresses
from nodekit.config import apply_environment
from nodekit.declared import add_arguments, from_args, setting
from nodekit.key_files import add_key_arguments, required_key
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
from nodekit.tls import TlsClientConfig, add_client_tls_arguments, client_tls_from_args


@dataclass(frozen=True, kw_only=True)
class BranchSettings:
    """How a branch runs; ``key`` (never logged), ``tls`` and ``observability`` have flags of their own."""

    central: str = setting(metavar=addresses.METAVAR, help=addresses.HELP)
    name: str = setting(help="the name configured at the central")
    key: str
    # The branch's --db is its own SQLite file: DISTRIBUTION_DB is the central's database.
    db_path: Path = setting(flag="--db", env="DISTRIBUTION_BRANCH_DB", help="the branch's SQLite file")
    province: str = setting("ON", help="two-letter province code; decides the sales tax")
    seed: int = setting(1, help="seed of the point-of-sale simulator")
    day_seconds: float = setting(5.0, help="real length of one business day")
    days: int = setting(0, help="simulated days; 0 = until stopped")
    shoppers_per_day: int = setting(20, help="walk-in shoppers per day")
    write_off_chance: float = setting(0.05, help="chance per shopper that units are written off")
    reorder_point: int = setting(5, help="level at which a product is reordered")
    reorder_quantity: int = setting(20, help="units bought per reorder")
    markup_percent: int = setting(40, help="shelf price over the central's price")
    card_number: str = "4242424242424242"  # the company card it buys from the central with
    simulate: bool = setting(True, flag="--no-simulate", help="stream and reorder only")
    tls: TlsClientConfig | None = None
    log_level: str = setting("INFO", help="logging level")
    observability: Observability = field(default_factory=Observability)

    def __post_init__(self) -> None:
        province(self.province)
        if self.reorder_quantity <= self.reorder_point or self.reorder_point < 0:
            raise ValueError("the reorder quantity must exceed the reorder point (>= 0)")
        if self.day_seconds <= 0 or self.shoppers_per_day < 1:
            raise ValueError("a day needs a positive length and at least one shopper")


KEY_VARIABLE = "DISTRIBUTION_BRANCH_KEY"


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m branch_node``; every flag also reads its variable."""
    parser = argparse.ArgumentParser(prog="python -m branch_node", description="A branch store.")
    add_arguments(parser, BranchSettings)
    add_key_arguments(parser, KEY_VARIABLE)
    add_client_tls_arguments(parser)
    add_observability_arguments(parser)
    return apply_environment(parser, env)


def parse_args(argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ) -> BranchSettings:
    """Builds settings from flags and their variables; the key may come from ``--key-file``."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    central = addresses.central_argument(parser, args.central)
    key = required_key(parser, args, KEY_VARIABLE)
    try:
        return from_args(
            BranchSettings,
            args,
            central=central,
            key=key,
            province=args.province.upper(),
            tls=client_tls_from_args(parser, args),
            observability=observability_from(args),
        )
    except ValueError as error:
        parser.error(str(error))
