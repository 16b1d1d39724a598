"""How a person joins a run: the central's address, the shop command and the operator key file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

JOIN_FILE = "join.txt"
OPERATOR_KEY_FILE = "operator.key"
# The central and the web node read the operator key from here, so it stays off their command lines.
OPERATOR_KEY_ENV = "DISTRIBUTION_OPERATOR_KEY"


@dataclass(frozen=True, slots=True)
class JoinInfo:
    """What the launcher prints, writes to ``join.txt`` and keeps in the dashboard's header."""

    address: str
    key_file: Path
    web_url: str = ""
    # A TLS run's client flags (CA, a certificate and key for people joining by hand).
    tls_args: Sequence[str] = ()

    @property
    def shop_command(self) -> str:
        """The command a person runs to shop in this run."""
        return f"python -m customer_node shop --central {self.address}{self._tls}"

    @property
    def admin_command(self) -> str:
        """The operator command for this run, with the key from its file."""
        return f"python -m operator_cli --central {self.address}{self._tls} --key-file {self.key_file} status"

    @property
    def _tls(self) -> str:
        return "".join(f" {arg}" for arg in self.tls_args)

    def lines(self) -> list[str]:
        """The lines printed at start and written to ``join.txt``."""
        lines = [
            f"central: {self.address}",
            f"shop by hand: {self.shop_command}",
            f"operator key file: {self.key_file}",
            f"operator command: {self.admin_command}",
        ]
        return [*lines, f"web: {self.web_url}"] if self.web_url else lines


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
