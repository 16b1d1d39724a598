"""Keys kept off the command line: read from owner-only files, with one line when a file is wrong.

A key given as ``--key=...`` shows in ``ps`` to every local user; a file (or the environment,
which only the owner can read in ``/proc``) does not. A key file others may read is warned
about in one line and still used, as the operator command always did: refusing would stop a
running network over a mode a person can fix while it runs.
"""

from __future__ import annotations

import argparse
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nodekit.declared import add_arguments, from_args, setting


class KeyFileProblem(Exception):
    """A key file is missing, unreadable, empty or malformed; the message says which, in one line."""


def read_key_file(path: Path) -> str:
    """The key in ``path`` (its content, stripped).

    Raises:
        KeyFileProblem: When the file cannot be read or is empty.
    """
    key = _read(path).strip()
    if not key:
        raise KeyFileProblem(f"the key file {path} is empty")
    return key


def read_pairs_file(path: Path) -> list[str]:
    """The ``NAME=KEY`` lines of ``path``; blank lines and ``#`` comments are skipped.

    Raises:
        KeyFileProblem: When the file cannot be read.
    """
    return list(_pairs(_read(path).splitlines()))


def loose_permissions_warning(path: Path) -> str | None:
    """One line of warning when others than the owner may read ``path``, else None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not mode & (stat.S_IRGRP | stat.S_IROTH):
        return None
    return (
        f"warning: the key file {path} is readable by group or others "
        f"(mode {stat.S_IMODE(mode):04o}); chmod 600 it"
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not readable text"
        raise KeyFileProblem(f"cannot read the key file {path}: {reason}") from None


def _pairs(lines: Iterable[str]) -> Iterable[str]:
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            yield text


@dataclass(frozen=True, kw_only=True)
class NodeKeySource:
    """Where a branch's or a manufacturer's key comes from; the variables are the node's own."""

    key: str | None = setting(
        None, secret=True, help="its key (shows in ps: prefer the variable or --key-file)"
    )
    key_file: Path | None = setting(None, metavar="FILE", help="owner-only file holding its key")


def add_key_arguments(parser: argparse.ArgumentParser, variable: str) -> None:
    """Adds ``--key`` (secret) and ``--key-file``, read also from ``$variable`` and ``$variable_FILE``."""
    add_arguments(parser, NodeKeySource, variables={"key": variable, "key_file": f"{variable}_FILE"})


def required_key(parser: argparse.ArgumentParser, args: argparse.Namespace, variable: str) -> str:
    """The key of ``add_key_arguments``' flags; exits 2 with one line when there is none."""
    source = from_args(NodeKeySource, args)
    key = key_argument(parser, source.key, source.key_file)
    if not key:
        parser.error(f"--key-file, {variable} or --key is required")
    return key


def key_argument(parser: argparse.ArgumentParser, key: str | None, key_file: Path | None) -> str:
    """The key in ``key_file`` when one is given, else ``key`` ("" for none).

    A file that cannot be used exits 2 with one line; one others may read is warned about.
    """
    if key_file is None:
        return key or ""
    try:
        value = read_key_file(key_file)
    except KeyFileProblem as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    warn_if_loose(parser.prog, key_file)
    return value


def pairs_argument(parser: argparse.ArgumentParser, pairs: list[str], pairs_file: Path | None) -> list[str]:
    """``pairs`` (``NAME=KEY`` from flags or the environment) followed by those in ``pairs_file``."""
    if pairs_file is None:
        return pairs
    try:
        from_file = read_pairs_file(pairs_file)
    except KeyFileProblem as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    warn_if_loose(parser.prog, pairs_file)
    return [*pairs, *from_file]


def warn_if_loose(prog: str, path: Path) -> None:
    """Prints the one-line warning of ``loose_permissions_warning`` on stderr, if there is one."""
    if warning := loose_permissions_warning(path):
        print(f"{prog}: {warning}", file=sys.stderr)
