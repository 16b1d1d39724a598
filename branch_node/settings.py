"""Settings of a branch store, built from CLI flags and environment variables in one place."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from branch_node.tax import province
from nodekit import addresses
from nodekit.config import apply_environment
from nodekit.key_files import key_argument
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
from nodekit.tls import TlsClientConfig, add_client_tls_arguments, client_tls_from_args


@dataclass(frozen=True)
class BranchSettings:
    """How a branch runs.

    Attributes:
        central: host:port of the central, or several comma-separated.
        name: Branch name, as configured at the central (``--branch NAME=KEY``).
        key: The branch's bearer key.
        db_path: The branch's own SQLite file.
        province: Two-letter province code; decides the sales tax.
        seed: Seed of the point-of-sale simulator (same seed, same shoppers).
        day_seconds: Wall-clock length of one simulated business day.
        days: Simulated days to run before idling; 0 runs until stopped.
        shoppers_per_day: Walk-in shoppers per simulated day.
        write_off_chance: Chance per shopper that some units are written off.
        reorder_point: Default level at which a product is reordered.
        reorder_quantity: Default units bought per reorder (more than the reorder point).
        markup_percent: Shelf price over the central's unit price.
        card_number: The company card used to buy from the central.
        simulate: False runs the stream and reorders without the shopper simulator.
        tls: CA (and client certificate for mTLS), or None for plaintext.
        log_level: Logging level name.
        observability: Metrics endpoint and log format (``nodekit.observability``).
    """

    central: str
    name: str
    key: str
    db_path: Path
    province: str = "ON"
    seed: int = 1
    day_seconds: float = 5.0
    days: int = 0
    shoppers_per_day: int = 20
    write_off_chance: float = 0.05
    reorder_point: int = 5
    reorder_quantity: int = 20
    markup_percent: int = 40
    card_number: str = "4242424242424242"
    simulate: bool = True
    tls: TlsClientConfig | None = None
    log_level: str = "INFO"
    observability: Observability = field(default_factory=Observability)

    def __post_init__(self) -> None:
        province(self.province)
        if self.reorder_quantity <= self.reorder_point or self.reorder_point < 0:
            raise ValueError("the reorder quantity must exceed the reorder point (>= 0)")
        if self.day_seconds <= 0 or self.shoppers_per_day < 1:
            raise ValueError("a day needs a positive length and at least one shopper")


# The branch's --db is its own SQLite file: DISTRIBUTION_DB is the central's database.
ENV_NAMES = {
    "--key": "DISTRIBUTION_BRANCH_KEY",
    "--key-file": "DISTRIBUTION_BRANCH_KEY_FILE",
    "--db": "DISTRIBUTION_BRANCH_DB",
}


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m branch_node``; every flag also reads its variable."""
    parser = argparse.ArgumentParser(prog="python -m branch_node", description="A branch store.")
    parser.add_argument("--central", required=True, metavar=addresses.METAVAR, help=addresses.HELP)
    parser.add_argument("--name", required=True, help="the name configured at the central")
    parser.add_argument("--key", help="its key (shows in ps: prefer the variable or --key-file)")
    parser.add_argument("--key-file", type=Path, metavar="FILE", help="owner-only file holding its key")
    parser.add_argument("--db", required=True, type=Path, help="the branch's SQLite file")
    parser.add_argument("--province", default="ON", help="two-letter province code; decides the sales tax")
    parser.add_argument("--seed", type=int, default=1, help="seed of the point-of-sale simulator")
    parser.add_argument("--day-seconds", type=float, default=5.0, help="real length of one business day")
    parser.add_argument("--days", type=int, default=0, help="simulated days; 0 = until stopped")
    parser.add_argument("--shoppers-per-day", type=int, default=20, help="walk-in shoppers per day")
    parser.add_argument(
        "--write-off-chance", type=float, default=0.05, help="chance per shopper that units are written off"
    )
    parser.add_argument("--reorder-point", type=int, default=5, help="level at which a product is reordered")
    parser.add_argument("--reorder-quantity", type=int, default=20, help="units bought per reorder")
    parser.add_argument("--markup-percent", type=int, default=40, help="shelf price over the central's price")
    parser.add_argument("--no-simulate", action="store_true", help="stream and reorder only")
    add_client_tls_arguments(parser)
    parser.add_argument("--log-level", default="INFO", help="logging level")
    add_observability_arguments(parser)
    return apply_environment(parser, env, names=ENV_NAMES, secret=("--key",))


def parse_args(argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ) -> BranchSettings:
    """Builds settings from flags and their variables; the key may come from ``--key-file``."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    central = addresses.central_argument(parser, args.central)
    key = key_argument(parser, args.key, args.key_file)
    if not key:
        parser.error("--key-file, DISTRIBUTION_BRANCH_KEY or --key is required")
    tls = client_tls_from_args(parser, args)
    try:
        return BranchSettings(
            central=central,
            name=args.name,
            key=key,
            db_path=args.db,
            province=args.province.upper(),
            seed=args.seed,
            day_seconds=args.day_seconds,
            days=args.days,
            shoppers_per_day=args.shoppers_per_day,
            write_off_chance=args.write_off_chance,
            reorder_point=args.reorder_point,
            reorder_quantity=args.reorder_quantity,
            markup_percent=args.markup_percent,
            simulate=not args.no_simulate,
            tls=tls,
            log_level=args.log_level,
            observability=observability_from(args),
        )
    except ValueError as error:
        parser.error(str(error))
