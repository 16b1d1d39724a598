"""Command line and environment -> frozen settings of the operator command."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from nodekit import addresses
from nodekit.channel import DEFAULT_TIMEOUT_S
from nodekit.config import apply_environment
from nodekit.declared import add_arguments, from_args, setting
from nodekit.tls import TlsClientConfig, TlsConfigError, add_client_tls_arguments, client_tls_config
from operator_cli.commands import (
    BranchRevenue,
    CloseMonth,
    Command,
    LowStock,
    Manufacturers,
    OpenMonth,
    PauseMonth,
    ResumeMonth,
    ShowInventory,
    ShowMonth,
    TopProducts,
    whole_number,
)
from operator_cli.key import KeyProblem, read_key

PROG = "python -m operator_cli"
ENV_CENTRAL = "DISTRIBUTION_CENTRAL"
ENV_KEY = "DISTRIBUTION_OPERATOR_KEY"
ENV_KEY_FILE = "DISTRIBUTION_OPERATOR_KEY_FILE"


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminSettings:
    """One run of the operator command; ``key`` (kept out of ``repr``) comes from ``key_file`` or
    $DISTRIBUTION_OPERATOR_KEY, ``tls`` None is plaintext."""

    central: str = setting(metavar=addresses.METAVAR, help=addresses.HELP)
    key: str = field(repr=False)
    command: Command
    key_file: Path | None = setting(
        None,
        env=ENV_KEY_FILE,
        metavar="FILE",
        help=f"owner-only file holding the operator key (else ${ENV_KEY})",
    )
    # Opening a month adds the wait for offers.
    timeout_s: float = setting(
        DEFAULT_TIMEOUT_S,
        flag="--timeout",
        parse=_positive_float,
        metavar="SECONDS",
        help="deadline of each call",
    )
    tls: TlsClientConfig | None = None


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line: the message and where to look, not the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def parse_args(argv: Sequence[str], env: Mapping[str, str] | None = None) -> AdminSettings:
    """Builds the settings; the key comes from ``--key-file`` or $DISTRIBUTION_OPERATOR_KEY, never a flag.

    Raises:
        SystemExit: With code 2 and one line on stderr for a usage error, a malformed address
            or a missing or unreadable key; with code 0 after ``--help``.
    """
    env = os.environ if env is None else env
    parser = build_parser(env)
    args = parser.parse_args(_options_first(parser, argv))
    try:
        central = ",".join(addresses.parse_central_addresses(args.central))
    except ValueError as error:
        parser.error(str(error))
    try:
        tls = client_tls_config(args.tls_ca, args.tls_cert, args.tls_key)
    except TlsConfigError as error:
        parser.error(str(error))
    try:
        key = read_key(args.key_file, env.get(ENV_KEY))
    except KeyProblem as error:
        parser.error(str(error))
    return from_args(AdminSettings, args, central=central, key=key, command=_command(args), tls=tls)


def _options_first(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``argv`` with the program's own options moved ahead of the command.

    argparse hands everything after the command to the command's parser, so ``status --key-file X``
    would read ``X`` as the month; a person means the key file wherever it is written.
    """
    takes_value = {flag for flag, action in parser._option_string_actions.items() if action.nargs != 0}
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    tokens = list(argv)
    at = 0
    while at < len(tokens) and tokens[at] not in commands:
        at += 2 if tokens[at] in takes_value else 1
    moved: list[str] = []
    rest: list[str] = []
    after = tokens[at + 1 :]
    index = 0
    while index < len(after):
        token = after[index]
        if token == "--":
            rest += after[index:]
            break
        flag, equals, _ = token.partition("=")
        if flag in takes_value:
            width = 1 if equals else 2
            moved += after[index : index + width]
            index += width
        else:
            rest.append(token)
            index += 1
    return tokens[:at] + moved + tokens[at : at + 1] + rest


def _command(args: argparse.Namespace) -> Command:
    match args.command:
        case "open":
            return from_args(OpenMonth, args)
        case "close":
            return CloseMonth(args.month)
        case "pause":
            return PauseMonth(args.month)
        case "resume":
            return ResumeMonth(args.month)
        case "status":
            return ShowMonth(args.month)
        case "manufacturers":
            return Manufacturers()
        case "revenue":
            return from_args(BranchRevenue, args)
        case "inventory":
            return ShowInventory()
        case "top-products":
            return from_args(TopProducts, args)
        case _:
            return LowStock()


def build_parser(env: Mapping[str, str]) -> _Parser:
    """The command line of ``python -m operator_cli``; every flag also reads its variable."""
    parser = _Parser(
        prog=PROG,
        description="Operate a running central: open and close months, read the month and branch reports.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"The operator key comes from --key-file or ${ENV_KEY}, never from the command line.\n"
        f"Example: {PROG} --central 127.0.0.1:50051 --key-file operator.key status",
    )
    add_arguments(parser, AdminSettings)
    add_client_tls_arguments(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    opening = commands.add_parser(
        "open",
        help="open the next month",
        description="Open the next month: "
        "the central collects the connected manufacturers' offers, then opens trading.",
    )
    add_arguments(opening, OpenMonth)
    months = {
        "close": "Close a month: the central releases open reservations and settles each manufacturer's "
        "results; the closed month is shown.",
        "pause": "Pause an open month: its clock stops (no deadline close), simulated shoppers and "
        "branches hold; the month is shown.",
        "resume": "Resume a paused month: its deadline moves later by the time it was paused; the month "
        "is shown.",
        "status": "Show a month: its state, orders, revenue, stock lines and, once closed, each "
        "manufacturer's results.",
    }
    for name, description in months.items():
        sub = commands.add_parser(
            name, help=f"{name} a month (the current one by default)", description=description
        )
        # A positional (``status 3``), which ``nodekit.declared`` does not make: it declares flags.
        sub.add_argument(
            "month",
            nargs="?",
            type=whole_number,
            default=0,
            help="month number; 0 = the current one (default: %(default)s)",
        )
    commands.add_parser(
        "manufacturers",
        help="list the manufacturers",
        description="The configured manufacturers and their links.",
    )
    revenue = commands.add_parser(
        "revenue",
        help="revenue and loss per branch and day",
        description="Revenue and loss per branch and day, beside what the sales stream shows.",
    )
    add_arguments(revenue, BranchRevenue)
    commands.add_parser(
        "inventory", help="inventory value per branch", description="Each branch's inventory at unit cost."
    )
    top = commands.add_parser(
        "top-products", help="best-selling products", description="Best-selling products across the branches."
    )
    add_arguments(top, TopProducts)
    commands.add_parser(
        "low-stock", help="open low-stock alerts", description="Open low-stock alerts across the branches."
    )
    return apply_environment(parser, env)
