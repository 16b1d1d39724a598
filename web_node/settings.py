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
from nodekit.declared import add_arguments, from_args, setting
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


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    """Everything the web node needs; ``tls`` (to the central) and ``observability`` have flags of their own.

    An empty ``operator_key`` leaves the dashboard to the catalog and has headquarters refuse
    every key; ``control_url``/``control_token`` name the launcher's local control endpoint
    (empty outside ``run.py``); ``allowed_hosts`` guard the Host header against DNS rebinding.
    """

    central: str = setting(metavar=CENTRAL_METAVAR, help=CENTRAL_HELP)
    # The web node listens where a browser goes: its own names, apart from the central's --host/--port.
    host: str = setting("127.0.0.1", env="DISTRIBUTION_WEB_HOST", help="address to bind")
    port: int = setting(DEFAULT_PORT, env="DISTRIBUTION_WEB_PORT", help="HTTP port; 0 takes a free one")
    operator_key: str = setting(
        "",
        secret=True,
        help="the operator's key, for headquarters and the dashboard's reads "
        "(shows in ps: prefer the variable or --operator-key-file)",
    )
    control_url: str = ""
    control_token: str = field(default="", repr=False)
    poll_interval_s: float = setting(0.5, flag="--poll-interval", help="seconds between operator reads")
    timeout_s: float = 5.0  # deadline of each call to the central
    tls: TlsClientConfig | None = None
    allowed_hosts: tuple[str, ...] = setting(
        (),
        flag="--allowed-host",
        metavar="NAME",
        help="a name or address browsers reach this node by, besides loopback and the bound address "
        "(repeatable)",
    )
    https_cert: Path | None = setting(None, metavar="FILE", help="certificate (PEM): serve HTTPS")
    https_key: Path | None = setting(None, metavar="FILE", help="private key (PEM) of --https-cert")
    log_level: str = setting("INFO", help="logging level")
    observability: Observability = field(default_factory=Observability)


@dataclass(frozen=True, kw_only=True)
class WebSources:
    """Where the operator's key may come from instead; ``parse_args`` reads it into ``WebSettings``."""

    operator_key_file: Path | None = setting(
        None, metavar="FILE", help="owner-only file holding the operator's key"
    )


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The command line of ``python -m web_node``; every flag also reads its variable."""
    parser = argparse.ArgumentParser(prog="python -m web_node", description="The network's web front end.")
    add_arguments(parser, WebSettings)
    add_arguments(parser, WebSources)
    add_client_tls_arguments(parser)
    add_observability_arguments(parser)
    return apply_environment(parser, env)


def parse_args(argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ) -> WebSettings:
    """Builds the settings from ``argv``, the ``DISTRIBUTION_*`` variables in ``env`` and key files."""
    parser = build_parser(env)
    args = parser.parse_args(argv)
    _check_https(parser, args.https_cert, args.https_key)
    return from_args(
        WebSettings,
        args,
        central=central_argument(parser, args.central),
        operator_key=key_argument(parser, args.operator_key, args.operator_key_file),
        control_url=env.get(CONTROL_URL_ENV, ""),
        control_token=env.get(CONTROL_TOKEN_ENV, ""),
        tls=client_tls_from_args(parser, args),
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
