"""The operator key: read from an owner-only file or the environment, never from the command line."""

from __future__ import annotations

from pathlib import Path

from nodekit.key_files import KeyFileProblem, loose_permissions_warning, read_key_file

__all__ = ["KeyProblem", "loose_permissions_warning", "read_key"]


class KeyProblem(Exception):
    """The key is missing, unreadable or empty; the message says which, in one line."""


def read_key(key_file: Path | None, from_env: str | None) -> str:
    """The operator key: the file's content (stripped) when given, else the environment's value.

    Raises:
        KeyProblem: When neither gives a key, or the file cannot be read.
    """
    if key_file is not None:
        try:
            return read_key_file(key_file)
        except KeyFileProblem as error:
            raise KeyProblem(str(error)) from None
    if from_env and from_env.strip():
        return from_env.strip()
    raise KeyProblem("no operator key: give --key-file FILE or set DISTRIBUTION_OPERATOR_KEY")
