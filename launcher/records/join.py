"""The join card: what the launcher prints, writes to ``join.txt``, shows in its header and the Join panel."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

JOIN_FILE = "join.txt"
# The central and the web node read the operator key from here, so it stays off their command lines.
OPERATOR_KEY_ENV = "DISTRIBUTION_OPERATOR_KEY"
# The web node's Join panel reads the public half of the card from here (no key, no key file).
JOIN_CARD_ENV = "DISTRIBUTION_JOIN_CARD"
# The virtual environment's console scripts sit beside its interpreter.
BIN_DIR = Path(sys.executable).parent
SHOP_VENV = "shop-venv"
# A student's client certificate and key (a TLS run), as the card's commands save it.
CLIENT_FILE = "client.pem"


def console_script(name: str, bin_dir: Path = BIN_DIR) -> str:
    """``name`` as a path into the environment the run uses, when it is there; else the bare name."""
    path = bin_dir / name
    return str(path) if path.exists() else name


@dataclass(frozen=True, slots=True)
class JoinInfo:
    """What the launcher prints, writes to ``join.txt`` and keeps in the dashboard's header.

    Attributes:
        address: The central(s) as people in the room dial them (``host:port``, comma-separated).
        key_file: The operator key's file, on the lecturer's machine only.
        web_url: The web node's URL ("" without one).
        tls_args: A TLS run's client flags (CA, the by-hand pair) for the lecturer's own machine.
        wheel_url: The project's wheel as the web node serves it ("" when there is none).
        ca_url: The run's CA certificate as the web node serves it (a TLS run only).
        ca_fingerprint: Its SHA-256 fingerprint, to check a downloaded copy against.
        client_url: Where a student fetches a client certificate and key of their own (a TLS run).
        bin_dir: Where this machine's console scripts are (the run's virtual environment).
    """

    address: str
    key_file: Path
    web_url: str = ""
    tls_args: Sequence[str] = ()
    wheel_url: str = ""
    ca_url: str = ""
    ca_fingerprint: str = ""
    client_url: str = ""
    bin_dir: Path = BIN_DIR

    @property
    def shop_command(self) -> str:
        """The terminal shop on this machine, as printed it runs (the environment's console script)."""
        shop = console_script("distribution-customer", self.bin_dir)
        return f"{shop} shop --central {self.address}{self._tls}"

    @property
    def admin_command(self) -> str:
        """The operator command for this run, with the key from its file (the lecturer's machine only)."""
        admin = console_script("distribution-admin", self.bin_dir)
        return f"{admin} --central {self.address}{self._tls} --key-file {self.key_file} status"

    @property
    def shop_url(self) -> str:
        """The web shop, for any browser in the room."""
        return f"{self.web_url}shop" if self.web_url else ""

    @property
    def install_commands(self) -> list[str]:
        """A terminal shop on a machine with only Python 3.11+: a venv, the served wheel, the shop."""
        if not self.wheel_url:
            return []
        trust = " --cert run-ca.pem" if self.ca_url else ""
        commands = [f"python3 -m venv {SHOP_VENV}", f"{SHOP_VENV}/bin/pip install{trust} {self.wheel_url}"]
        tls = ""
        if self.client_url:
            # The student's own pair, certificate and key in one file: the shop's two flags name it.
            commands.append(f"curl --cacert run-ca.pem -o {CLIENT_FILE} {self.client_url}")
            tls = f" --tls-ca run-ca.pem --tls-cert {CLIENT_FILE} --tls-key {CLIENT_FILE}"
        return [*commands, f"{SHOP_VENV}/bin/distribution-customer shop --central {self.address}{tls}"]

    @property
    def trust_lines(self) -> list[str]:
        """How a by-hand client trusts the run's CA (a TLS run only)."""
        if not self.ca_url:
            return []
        return [
            f"the run's CA: {self.ca_url} (save as run-ca.pem; SHA-256 {self.ca_fingerprint})",
            "  trust it: pip --cert run-ca.pem, curl --cacert run-ca.pem, a browser: import as an authority",
        ]

    @property
    def _tls(self) -> str:
        return "".join(f" {arg}" for arg in self.tls_args)

    def lines(self) -> list[str]:
        """The lines printed at start and written to ``join.txt``."""
        lines = [f"central: {self.address}"]
        if self.shop_url:
            lines.append(f"web shop (any browser): {self.shop_url}")
        if self.install_commands:
            lines.append("terminal shop on any machine with Python 3.11+:")
            lines += [f"  {command}" for command in self.install_commands]
        lines += self.trust_lines
        lines += [
            f"shop by hand on this machine: {self.shop_command}",
            f"operator key file (this machine only): {self.key_file}",
            f"operator command (this machine only): {self.admin_command}",
        ]
        if not self.web_url:
            return lines
        # A browser's log-in holds for one address only: the lecturer's is the room's.
        return [
            *lines,
            f"lecturer's log-in, at this address (a log-in holds for one address): {self.web_url}hq",
            f"web: {self.web_url}",
        ]

    def public_card(self) -> dict[str, object]:
        """What the web's Join panel shows anyone: addresses and commands, nothing of the operator's."""
        return {
            "central": self.address,
            "web_url": self.web_url,
            "shop_url": self.shop_url,
            "install": self.install_commands,
            "wheel_url": self.wheel_url,
            "ca_url": self.ca_url,
            "ca_fingerprint": self.ca_fingerprint,
            "client_url": self.client_url,
        }

    def public_json(self) -> str:
        """``public_card`` as the web node's environment carries it."""
        return json.dumps(self.public_card(), separators=(",", ":"))
