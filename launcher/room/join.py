"""How a person joins a run: ``join.txt`` from the join card (``launcher.records.join``) and the key file."""

from __future__ import annotations

import os
from pathlib import Path

from launcher.records.join import JOIN_FILE, JoinInfo

OPERATOR_KEY_FILE = "operator.key"


def write_operator_key(run_dir: Path, key: str) -> Path:
    """Writes the operator key into an owner-only (0600) file in ``run_dir``; returns its path."""
    path = run_dir / OPERATOR_KEY_FILE
    # Created with 0600 rather than chmod-ed afterwards: the key is never readable by others.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT
    return path


def write_join(run_dir: Path, info: JoinInfo) -> Path:
    """Writes ``join.txt`` (no secret in it, only the key file's path); returns its path."""
    path = run_dir / JOIN_FILE
    path.write_text("\n".join(info.lines()) + "\n", encoding="utf-8")
    return path
