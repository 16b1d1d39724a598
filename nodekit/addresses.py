"""The one parser of ``--central``: one ``HOST:PORT`` or several, comma-separated."""

from __future__ import annotations

import argparse
import ipaddress
import re

EXPECTED = "HOST:PORT[,HOST:PORT...]"
METAVAR = "HOST:PORT[,...]"
HELP = "the central's HOST:PORT, or several comma-separated: calls spread over them and fail over"
# A host name or IPv4 literal, or an IPv6 literal in brackets; the port is checked as a number below.
_ENTRY = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9._-]*):(?P<port>\d{1,5})")


def parse_central_addresses(text: str) -> tuple[str, ...]:
    """The central addresses in ``text``, in the order given, each once.

    Spaces around an entry are ignored; an entry given twice counts once, so the
    channel's round robin weighs every central alike.

    Args:
        text: What followed ``--central``, e.g. ``127.0.0.1:5001,127.0.0.1:5002``.

    Returns:
        The ``HOST:PORT`` entries (at least one).

    Raises:
        ValueError: With one line for a person when an entry is not ``HOST:PORT`` with a
            port of 1-65535 (a bracketed host must be an IPv6 address).
    """
    entries = tuple(dict.fromkeys(part.strip() for part in text.split(",")))
    if not all(_valid(entry) for entry in entries):
        raise ValueError(f"--central expects {EXPECTED}; got {text!r}")
    return entries


def central_argument(parser: argparse.ArgumentParser, text: str) -> str:
    """``--central``'s entries joined by commas; on a bad value exits 2 with one line on stderr.

    argparse's own ``parser.error`` would print the whole usage first; a person needs only the line.
    """
    try:
        return ",".join(parse_central_addresses(text))
    except ValueError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")


def split_host_port(entry: str) -> tuple[str, int]:
    """``("host", port)`` of one parsed entry; an IPv6 host loses its brackets."""
    host, _, port = entry.rpartition(":")
    return host.removeprefix("[").removesuffix("]"), int(port)


def _valid(entry: str) -> bool:
    match = _ENTRY.fullmatch(entry)
    if match is None or not 0 < int(match["port"]) < 65536:
        return False
    host = match["host"]
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
    return True
