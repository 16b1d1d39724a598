"""Settings of the web node, built from CLI flags and environment variables in one place."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nodekit.addresses import HELP as CENTRAL_HELP
from nodekit.addresses import METAVAR as CENTRAL_METAVAR
from nodekit.addresses import central_argument
from nodekit.tls import TlsClientConfig, add_client_tls_arguments, client_tls_from_args

# The operator key travels by environment (never argv), as for the central.
OPERATOR_KEY_ENV = "DISTRIBUTION_OPERATOR_KEY"
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


def parse_args(argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ) -> WebSettings:
    """Builds the settings from ``argv`` and ``env``."""
    parser = argparse.ArgumentParser(prog="python -m web_node", description="The network's web front end.")
    parser.add_argument("--central", required=True, metavar=CENTRAL_METAVAR, help=CENTRAL_HELP)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="HTTP port; 0 takes a free one")
    parser.add_argument("--poll-interval", type=float, default=0.5, help="seconds between operator reads")
    add_client_tls_arguments(parser)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    return WebSettings(
        central=central_argument(parser, args.central),
        host=args.host,
        port=args.port,
        operator_key=env.get(OPERATOR_KEY_ENV, ""),
        control_url=env.get(CONTROL_URL_ENV, ""),
        control_token=env.get(CONTROL_TOKEN_ENV, ""),
        poll_interval_s=args.poll_interval,
        tls=client_tls_from_args(parser, args),
        log_level=args.log_level,
    )
