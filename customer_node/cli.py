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
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
from nodekit.tls import TlsClientConfig, add_client_tls_arguments, client_tls_from_args

ENV_CENTRAL = "DISTRIBUTION_CENTRAL"
ENV_LOG_LEVEL = "DISTRIBUTION_LOG_LEVEL"
TEST_CARD_NUMBER = "4242424242424242"
TEST_CARD_YEARS_AHEAD = 5
STARTUP_TIMEOUT_S = 30.0
WATCH_TIMEOUT_S = 600.0


# A payment card as typed by a person or chosen by the simulator: the client package's record.
CardInput = Card


def simulated_card(today: date | None = None) -> CardInput:
    """A Luhn-valid test card that expires at the end of the year five years from ``today``.

    The web shop hints the same card (web_node.pages), so a class sees one test card everywhere.
    """
    year = (today or date.today()).year + TEST_CARD_YEARS_AHEAD
    return CardInput(TEST_CARD_NUMBER, 12, year)


@dataclass(frozen=True, slots=True)
class SimulateSettings:
    """Settings of one simulated customer.

    Attributes:
        central: The central's ``host:port``, or several comma-separated (calls spread over them).
        name: Display name to register under.
        seed: Seed of all the customer's choices; by default derived from the name.
        token_file: Where the bearer token is kept; an existing file's token is reused.
        months: Exit 0 after shopping this many months; 0 means run until signalled.
        think_ms: Longest seeded pause between calls in milliseconds; 0 for none.
        month_seconds: The month's real length; the baskets are spread over it (0: bought at once).
        market_seed: Seed of the market's base demand per product (run.py passes the run's seed).
        timeout_s: Deadline of each unary call.
        startup_timeout_s: How long to wait for the central to be SERVING at start.
        watch_timeout_s: Deadline of one catalog watch; the watch reconnects when it passes.
        tls: CA (and client certificate for mTLS), or None for plaintext.
        log_level: Logging level name.
        observability: Metrics endpoint and log format (``nodekit.observability``).
    """

    central: str
    name: str
    seed: int
    token_file: Path | None = None
    months: int = 0
    think_ms: int = 5
    month_seconds: float = 0.0
    market_seed: int = DEFAULT_MARKET_SEED
    timeout_s: float = DEFAULT_TIMEOUT_S
    startup_timeout_s: float = STARTUP_TIMEOUT_S
    watch_timeout_s: float = WATCH_TIMEOUT_S
    tls: TlsClientConfig | None = None
    log_level: str = "INFO"
    observability: Observability = field(default_factory=Observability)


@dataclass(frozen=True, slots=True)
class ShopSettings:
    """Settings of the interactive terminal shop.

    Attributes:
        central: The central's ``host:port``, or several comma-separated (calls spread over them).
        name: Display name to register under.
        card: Card given on the command line; None means ask at start.
        account_file: Where the account is kept to log back in; None means the default per name
            (``customer_node.account.default_path``).
        timeout_s: Deadline of each unary call.
        startup_timeout_s: How long to wait for the central to be SERVING at start.
        watch_timeout_s: Deadline of one catalog watch; the watch reconnects when it passes.
        tls: CA (and client certificate for mTLS), or None for plaintext.
        log_level: Logging level name (WARNING by default, so logs do not mix into the dialogue).
    """

    central: str
    name: str
    card: CardInput | None = None
    account_file: Path | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    startup_timeout_s: float = STARTUP_TIMEOUT_S
    watch_timeout_s: float = WATCH_TIMEOUT_S
    tls: TlsClientConfig | None = None
    log_level: str = "WARNING"


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


def _common(parser: argparse.ArgumentParser, level: str) -> None:
    parser.add_argument("--central", required=True, metavar=addresses.METAVAR, help=addresses.HELP)
    parser.add_argument(
        "--timeout", type=_positive_float, default=DEFAULT_TIMEOUT_S, help="per-call deadline, s"
    )
    parser.add_argument(
        "--startup-timeout",
        type=_positive_float,
        default=STARTUP_TIMEOUT_S,
        help="how long to wait for the central at start, s",
    )
    add_client_tls_arguments(parser)
    parser.add_argument("--log-level", default=level, help="logging level")


def simulate_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of a simulated customer; every flag also reads its variable."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_node",
        description="A simulated customer (use 'python -m customer_node shop' for a person).",
    )
    _common(parser, "INFO")
    parser.add_argument("--name", required=True, help="display name to register under")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: from the name)")
    parser.add_argument("--token-file", type=Path, default=None, help="keep/reuse the token here")
    parser.add_argument("--months", type=_non_negative_int, default=0, help="exit after N months (0: never)")
    parser.add_argument("--think-ms", type=_non_negative_int, default=5, help="longest pause between calls")
    parser.add_argument(
        "--month-seconds",
        type=_non_negative_float,
        default=0.0,
        help="the month's real length to spread the buying over (0: buy at once)",
    )
    parser.add_argument(
        "--market-seed",
        type=int,
        default=DEFAULT_MARKET_SEED,
        help="seed of the market's demand per product",
    )
    add_observability_arguments(parser)
    return apply_environment(parser, env)


def shop_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of the terminal shop; every flag also reads its variable."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_node shop", description="Shop at the central from a terminal."
    )
    _common(parser, "WARNING")
    parser.add_argument("--name", default=None, help="display name (default: your user name)")
    parser.add_argument("--card", default=None, metavar="'NUMBER MM/YYYY'", help="payment card")
    parser.add_argument(
        "--account-file",
        type=Path,
        default=None,
        help="owner-only file keeping your account to log back in "
        "(default: $XDG_STATE_HOME/distribution/shop/<name>-<crc>.json)",
    )
    return apply_environment(parser, env)


def _parse_simulate(argv: Sequence[str], env: Mapping[str, str]) -> SimulateSettings:
    parser = simulate_parser(env)
    args = parser.parse_args(argv)
    central = addresses.central_argument(parser, args.central)
    _check_name(parser, args.name)
    return SimulateSettings(
        central=central,
        name=args.name,
        seed=default_seed(args.name) if args.seed is None else args.seed,
        token_file=args.token_file,
        months=args.months,
        think_ms=args.think_ms,
        month_seconds=args.month_seconds,
        market_seed=args.market_seed,
        timeout_s=args.timeout,
        startup_timeout_s=args.startup_timeout,
        tls=client_tls_from_args(parser, args),
        log_level=args.log_level,
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
    return ShopSettings(
        central=central,
        name=name,
        card=card,
        account_file=args.account_file,
        timeout_s=args.timeout,
        startup_timeout_s=args.startup_timeout,
        tls=client_tls_from_args(parser, args),
        log_level=args.log_level,
    )


def _check_name(parser: argparse.ArgumentParser, name: str) -> None:
    if not 1 <= len(name.strip()) <= 100:
        parser.error("--name must be 1-100 characters")


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
