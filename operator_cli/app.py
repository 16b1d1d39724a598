"""One run of the operator command: settings in, a table (or one line of error) out, an exit code back."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from rich.console import Console, RenderableType

from nodekit.channel import open_channel
from nodekit.handshake import HandshakeRefused, check_handshake
from operator_cli import tables
from operator_cli.calls import AdminClient, CallFailed
from operator_cli.cli import PROG, AdminSettings, parse_args
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
)
from operator_cli.key import loose_permissions_warning

OK, FAILED, USAGE = 0, 1, 2
# Piped output is read by scripts and people with wide windows: do not wrap table rows at 80 columns.
PIPE_WIDTH = 200


async def answer(client: AdminClient, command: Command) -> RenderableType:
    """Makes the command's call(s) and renders the answer."""
    match command:
        case OpenMonth():
            return tables.opened(await client.open_month(command))
        case CloseMonth(month=month):
            return tables.month(await client.close_month(month))
        case PauseMonth(month=month):
            return tables.month(await client.pause_month(month))
        case ResumeMonth(month=month):
            return tables.month(await client.resume_month(month))
        case ShowMonth(month=month):
            return tables.month(await client.month_status(month))
        case Manufacturers():
            return tables.manufacturers(await client.manufacturers())
        case BranchRevenue(branch=branch):
            return tables.branch_revenue(await client.branch_revenue(branch))
        case ShowInventory():
            return tables.inventory(await client.inventory_value())
        case TopProducts(limit=limit):
            return tables.top_products(await client.top_products(limit))
        case LowStock():
            return tables.low_stock(await client.low_stock())


def show(rendered: RenderableType, out: TextIO) -> None:
    """Prints on ``out``: styled on a terminal; elsewhere clean text without escape codes or wrapping."""
    if out.isatty():
        Console(file=out, highlight=False).print(rendered)
        return
    console = Console(file=io.StringIO(), highlight=False, width=PIPE_WIDTH)
    with console.capture() as captured:
        console.print(rendered)
    # Rich pads every line to the table's width; a file is easier to read and diff without it.
    out.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


async def execute(settings: AdminSettings, out: TextIO, err: TextIO) -> int:
    """Runs the command against the central; a failure is one line on ``err`` and exit code 1."""
    try:
        channel = open_channel(settings.central, settings.tls)
    except OSError as error:
        print(f"{PROG}: cannot read a TLS file: {error.strerror} ({error.filename})", file=err)
        return FAILED
    except ValueError as error:  # several addresses that cannot make one list (see open_channel)
        print(f"{PROG}: {error}", file=err)
        return FAILED
    try:
        await check_handshake(settings.central, settings.tls)
        client = AdminClient(channel, settings.central, settings.key, settings.timeout_s)
        rendered = await answer(client, settings.command)
    except (CallFailed, HandshakeRefused) as failure:
        print(f"{PROG}: {failure}", file=err)
        return FAILED
    except Exception as error:  # a person gets one line, never a traceback
        print(f"{PROG}: unexpected error: {type(error).__name__}: {error}", file=err)
        return FAILED
    finally:
        await channel.close()
    show(rendered, out)
    return OK


async def run_admin(argv: Sequence[str], env: Mapping[str, str] | None = None) -> int:
    """Parses ``argv`` and runs the command, on sys.stdout and sys.stderr; returns the exit code."""
    try:
        settings = parse_args(argv, os.environ if env is None else env)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else USAGE
    if settings.key_file is not None and (warning := loose_permissions_warning(settings.key_file)):
        print(f"{PROG}: {warning}", file=sys.stderr)
    return await execute(settings, sys.stdout, sys.stderr)
