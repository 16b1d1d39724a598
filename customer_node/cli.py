"""Command line and environment -> frozen settings for the simulated and interactive customer."""

from __future__ import annotations

import argparse
import os
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from customer_node.market import DEFAULT_MARKET_SEED
from distribution_client import Card
from nodekit import addresses
from nodekit.channel import DEFAULT_TIMEOUT_S
from nodekit.config import apply_environment
from nodekit.declared import add_arguments, from_args, setting
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
from nodekit.tls import TlsClientConfig, add_client_tls_arguments, client_tls_from_args

ENV_CENTRAL = "DISTRIBUTION_CENTRAL"
ENV_LOG_LEVEL = "DISTRIBUTION_LOG_LEVEL"
TEST_CARD_NUMBER = "4242424242424242"
TEST_CARD_YEARS_AHEAD = 5
STARTUP_TIMEOUT_S = 30.0
WATCH_TIMEOUT_S = 600.0


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


# A payment card as typed by a person or chosen by the simulator: the client package's record.
CardInput = Card


def simulated_card(today: date | None = None) -> CardInput:
    """A Luhn-valid test card that expires at the end of the year five years from ``today``.

    The web shop hints the same card (web_node.pages), so a class sees one test card everywhere.
    """
    year = (today or date.today()).year + TEST_CARD_YEARS_AHEAD
    return CardInput(TEST_CARD_NUMBER, 12, year)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Connection:
    """How a customer reaches the central; ``tls`` None is plaintext, else its CA (and mTLS pair)."""

    central: str = setting(metavar=addresses.METAVAR, help=addresses.HELP)
    timeout_s: float = setting(
        DEFAULT_TIMEOUT_S, flag="--timeout", parse=_positive_float, help="per-call deadline, s"
    )
    startup_timeout_s: float = setting(
        STARTUP_TIMEOUT_S,
        flag="--startup-timeout",
        parse=_positive_float,
        help="how long to wait for the central at start, s",
    )
    watch_timeout_s: float = WATCH_TIMEOUT_S  # one catalog watch's deadline; it then reconnects
    tls: TlsClientConfig | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulateSettings(_Connection):
    """Settings of one simulated customer; ``seed`` (of all its choices) is derived from the name
    unless ``--seed`` gives it, ``observability`` has flags of its own."""

    name: str = setting(help="display name to register under")
    seed: int = setting(unset=None, help="seed (default: from the name)")
    token_file: Path | None = setting(None, help="keep/reuse the token here")
    months: int = setting(0, parse=_non_negative_int, help="exit after N months (0: never)")
    think_ms: int = setting(5, parse=_non_negative_int, help="longest pause between calls")
    month_seconds: float = setting(
        0.0,
        parse=_non_negative_float,
        help="the month's real length to spread the buying over (0: buy at once)",
    )
    market_seed: int = setting(DEFAULT_MARKET_SEED, help="seed of the market's demand per product")
    log_level: str = setting("INFO", help="logging level")
    observability: Observability = field(default_factory=Observability)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShopSettings(_Connection):
    """Settings of the interactive terminal shop; ``name`` defaults to the user's, ``card`` None
    asks at start, and logs stay at WARNING so they do not mix into the dialogue."""

    name: str = setting(unset=None, help="display name (default: your user name)")
    # Read as typed, then by parse_card (its message, not argparse's, tells a person what is wrong).
    card: CardInput | None = setting(None, parse=str, metavar="'NUMBER MM/YYYY'", help="payment card")
    account_file: Path | None = setting(
        None,
        help="owner-only file keeping your account to log back in "
        "(default: $XDG_STATE_HOME/distribution/shop/<name>-<crc>.json)",
    )
    log_level: str = setting("WARNING", help="logging level")


Settings = SimulateSettings | ShopSettings


def default_seed(name: str) -> int:
    """A seed derived from the name, so customers started without ``--seed`` differ."""
    return zlib.crc32(name.encode())


def parse_card(text: str, today: date | None = None) -> CardInput:
    """Parses ``"NUMBER MM/YY"`` or ``"NUMBER MM/YYYY"`` (spaces or dashes in the number are fine).

    Args:
        text: What the person typed.
        today: Used to expand a two-digit year; defaults to today.

    Returns:
        The card; its number is checked by the central, not here.

    Raises:
        ValueError: With a message for a person when the text has the wrong shape.
    """
    match = re.fullmatch(r"\s*([\d\s-]+?)\s*[ ,;]\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", text)
    if match is None:
        raise ValueError("Give the card as NUMBER MM/YYYY, e.g. 4242424242424242 12/2030.")
    number = re.sub(r"[\s-]", "", match.group(1))
    month, year = int(match.group(2)), int(match.group(3))
    if len(match.group(3)) == 2:
        year += ((today or date.today()).year // 100) * 100
    if not 1 <= month <= 12:
        raise ValueError(f"The expiry month must be 1-12; got {month}.")
    return CardInput(number, month, year)


def parse_args(argv: Sequence[str], env: Mapping[str, str] | None = None) -> Settings:
    """Builds the settings from the command line, with environment variables as defaults.

    ``python -m customer_node [options]`` runs a simulated customer;
    ``python -m customer_node shop [options]`` runs the interactive shop.

    Args:
        argv: Arguments without the program name.
        env: Environment (``os.environ`` by default).

    Returns:
        ``SimulateSettings`` or ``ShopSettings``.

    Raises:
        SystemExit: On bad arguments (argparse prints the usage).
    """
    env = os.environ if env is None else env
    if argv and argv[0] == "shop":
        return _parse_shop(argv[1:], env)
    return _parse_simulate(argv, env)


def simulate_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of a simulated customer; every flag also reads its variable."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_node",
        description="A simulated customer (use 'python -m customer_node shop' for a person).",
    )
    add_arguments(parser, SimulateSettings)
    add_client_tls_arguments(parser)
    add_observability_arguments(parser)
    return apply_environment(parser, env)


def shop_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of the terminal shop; every flag also reads its variable."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_node shop", description="Shop at the central from a terminal."
    )
    add_arguments(parser, ShopSettings)
    add_client_tls_arguments(parser)
    return apply_environment(parser, env)


def _parse_simulate(argv: Sequence[str], env: Mapping[str, str]) -> SimulateSettings:
    parser = simulate_parser(env)
    args = parser.parse_args(argv)
    central = addresses.central_argument(parser, args.central)
    _check_name(parser, args.name)
    return from_args(
        SimulateSettings,
        args,
        central=central,
        seed=default_seed(args.name) if args.seed is None else args.seed,
        tls=client_tls_from_args(parser, args),
        observability=observability_from(args),
    )


def _parse_shop(argv: Sequence[str], env: Mapping[str, str]) -> ShopSettings:
    parser = shop_parser(env)
    args = parser.parse_args(argv)
    central = addresses.central_argument(parser, args.central)
    name = args.name or env.get("USER") or "shopper"
    _check_name(parser, name)
    card = None
    if args.card is not None:
        try:
            card = parse_card(args.card)
        except ValueError as error:
            parser.error(str(error))
    return from_args(
        ShopSettings,
        args,
        central=central,
        name=name,
        card=card,
        tls=client_tls_from_args(parser, args),
    )


def _check_name(parser: argparse.ArgumentParser, name: str) -> None:
    if not 1 <= len(name.strip()) <= 100:
        parser.error("--name must be 1-100 characters")
