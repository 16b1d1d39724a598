"""Turns a node's observability options into its log format, its metrics endpoint and its traces."""

from __future__ import annotations

from nodekit.logs import setup_logging
from nodekit.observability.metrics_server import serve_metrics
from nodekit.observability.options import Observability
from nodekit.observability.request_ids import enable_request_ids
from nodekit.observability.tracing import setup_tracing


def observe(node: str, level: str, options: Observability) -> None:
    """Sets up the node's logging and, when asked, its ``/metrics``; a bad address exits with one line.

    Call it before the node makes its server or channels: they are measured only when metrics are on.
    """
    setup_logging(node, level, options.log_format)
    if options.log_format == "json":
        # Text logs are for people reading one node; tools joining lines by call read JSON.
        enable_request_ids()
    setup_tracing(node)
    if not options.metrics:
        return
    try:
        serve_metrics(options.metrics)
    except (ValueError, OSError) as error:
        raise SystemExit(f"{node}: cannot serve metrics: {error}") from None
