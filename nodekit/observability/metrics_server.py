"""The node's ``/metrics`` endpoint (prometheus-client's own HTTP server, on a thread of its own)."""

from __future__ import annotations

import logging

from prometheus_client import disable_created_metrics, start_http_server

logger = logging.getLogger(__name__)

_serving = False


def metrics_on() -> bool:
    """True once this process serves metrics: only then are calls measured (metrics off cost nothing)."""
    return _serving


def serve_metrics(address: str) -> int:
    """Serves ``/metrics`` on ``HOST:PORT``; returns the port (port 0 takes a free one).

    Raises:
        ValueError: ``address`` is not ``HOST:PORT`` (one line).
        OSError: The port cannot be listened on.
    """
    global _serving
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"--metrics takes HOST:PORT (port 0 takes a free one), got {address!r}")
    # The *_created series double every counter's lines and no query here needs them.
    disable_created_metrics()  # type: ignore[no-untyped-call]
    server, _thread = start_http_server(int(port), addr=host.removeprefix("[").removesuffix("]"))
    _serving = True
    bound = int(server.server_port)
    logger.info("metrics on http://%s:%d/metrics", host, bound)
    return bound
