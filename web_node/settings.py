"""Settings of the web node, built from CLI flags and environment variables in one place."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nodekit.addresses import HELP as CENTRAL_HELP
from nodekit.addresses import METAVAR as CENTRAL_METAVAR
from nodekit.addresses import central_argument
from nodekit.config import apply_environment
from nodekit.key_files import key_argument
from nodekit.observability.options import Observability, add_observability_arguments, observability_from
from nodekit.tls import (
    TlsClientConfig,
    TlsConfigError,
    add_client_tls_arguments,
    check_pair,
    client_tls_from_args,
)

# A launcher that offers the lecturer's controls names its local control endpoint here.
CONTROL_URL_ENV = "DISTRIBUTION_CONTROL_URL"
CONTROL_TOKEN_ENV = "DISTRIBUTION_CONTROL_TOKEN"
DEFAULT_PORT = 8080


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Everything the web node needs.

    Attributes:
        central: The central's ``HOST:PORT`` (or several, comma-separated).
        host: Address to bind; loopback unless told otherwise, so nothing is exposed by default.
        port: HTTP port (0: a free one, printed at start).
        operator_key: The operator's key: the headquarters login and the dashboard's reads.
            Empty: the dashboard shows only the catalog and headquarters refuses every key.
        control_url: The launcher's local control endpoint; empty outside ``run.py``.
        control_token: The bearer token of that endpoint.
        poll_interval_s: How often the operator reads behind the dashboard are made.
        timeout_s: Deadline of each call to the central.
        tls: CA (and client certificate for mTLS) to reach the central, or None for plaintext.
        log_level: Python logging level.
        allowed_hosts: Names a Host header may give besides loopback and the bound address
            (the room's address or name); any other is refused, against DNS rebinding.
        https_cert: Certificate (PEM) to serve HTTPS with, or None for plain HTTP.
        https_key: Its private key (PEM).
        observability: Metrics endpoint and log format (``nodekit.observability``).
    """

    central: str
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    operator_key: str = field(default="", repr=False)
    control_url: str = ""
    control_token: str = field(default="", repr=False)
    poll_interval_s: float = 0.5
    timeout_s: float = 5.0
    tls: TlsClientConfig | None = None
    log_level: str = "INFO"
    allowed_hosts: tuple[str, ...] = ()
    https_cert: Path | None = None
    https_key: Path | None = None
    observability: Observability = field(default_factory=Observability)


# The web node listens where a browser goes: its own names, apart from the central's --host/--port.
ENV_NAMES = {"--host": "DISTRIBUTION_WEB_HOST", "--port": "DISTRIBUTION_WEB_PORT"}


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m web_node``; every flag also reads its variable."""
    parser = argparse.ArgumentParser(prog="python -m web_node", description="The network's web front end.")
    parser.add_argument("--central", required=True, metavar=CENTRAL_METAVAR, help=CENTRAL_HELP)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="HTTP port; 0 takes a free one")
    parser.add_argument(
        "--operator-key",
        default="",
        help="the operator's key, for headquarters and the dashboard's reads "
        "(shows in ps: prefer the variable or --operator-key-file)",
    )
    parser.add_argument(
        "--operator-key-file", type=Path, metavar="FILE", help="owner-only file holding the operator's key"
    )
    parser.add_argument("--poll-interval", type=float, default=0.5, help="seconds between operator reads")
    add_client_tls_arguments(parser)
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name or address browsers reach this node by, besides loopback and the bound address "
        "(repeatable)",
    )
    parser.add_argument("--https-cert", type=Path, metavar="FILE", help="certificate (PEM): serve HTTPS")
    parser.add_argument("--https-key", type=Path, metavar="FILE", help="private key (PEM) of --https-cert")
    parser.add_argument("--log-level", default="INFO", help="logging level")
    add_observability_arguments(parser)
    return apply_environment(parser, env, names=ENV_NAMES, secret=("--operator-key",))


def parse_args(argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ) -> WebSettings:
    """Builds the settings from ``argv``, the ``DISTRIBUTION_*`` variables in ``env`` and key files."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    _check_https(parser, args.https_cert, args.https_key)
    return WebSettings(
        central=central_argument(parser, args.central),
        host=args.host,
        port=args.port,
        operator_key=key_argument(parser, args.operator_key, args.operator_key_file),
        control_url=env.get(CONTROL_URL_ENV, ""),
        control_token=env.get(CONTROL_TOKEN_ENV, ""),
        poll_interval_s=args.poll_interval,
        tls=client_tls_from_args(parser, args),
        log_level=args.log_level,
        allowed_hosts=tuple(args.allowed_host),
        https_cert=args.https_cert,
        https_key=args.https_key,
        observability=observability_from(args),
    )


def _check_https(parser: argparse.ArgumentParser, cert: Path | None, key: Path | None) -> None:
    """One line and exit 2 unless both or neither of the HTTPS files are given, and they match."""
    if cert is None and key is None:
        return
    if cert is None or key is None:
        parser.exit(2, f"{parser.prog}: error: --https-cert and --https-key go together\n")
    try:
        check_pair("--https-cert", cert, "--https-key", key)
    except TlsConfigError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
