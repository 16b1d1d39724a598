"""The operator key: read from an owner-only file or the environment, never from the command line."""

from __future__ import annotations

import stat
from pathlib import Path


class KeyProblem(Exception):
    """The key is missing, unreadable or empty; the message says which, in one line."""


def read_key(key_file: Path | None, from_env: str | None) -> str:
    """The operator key: the file's content (stripped) when given, else the environment's value.

    Raises:
        KeyProblem: When neither gives a key, or the file cannot be read.
    """
    if key_file is not None:
        try:
            key = key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else "not readable text"
            raise KeyProblem(f"cannot read the key file {key_file}: {reason}") from None
        if not key:
            raise KeyProblem(f"the key file {key_file} is empty")
        return key
    if from_env and from_env.strip():
        return from_env.strip()
    raise KeyProblem("no operator key: give --key-file FILE or set DISTRIBUTION_OPERATOR_KEY")


def loose_permissions_warning(key_file: Path) -> str | None:
    """One line of warning when others than the owner may read ``key_file``, else None."""
    try:
        mode = key_file.stat().st_mode
    except OSError:
        return None
    if not mode & (stat.S_IRGRP | stat.S_IROTH):
        return None
    return (
        f"warning: the key file {key_file} is readable by group or others "
        f"(mode {stat.S_IMODE(mode):04o}); chmod 600 it"
    )
