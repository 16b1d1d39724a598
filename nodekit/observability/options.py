"""The flags every node shares for observing it: ``--metrics HOST:PORT`` and ``--log-format``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

LOG_FORMATS = ("text", "json")


@dataclass(frozen=True, slots=True)
class Observability:
    """How a node shows itself.

    Attributes:
        metrics: ``HOST:PORT`` of the node's Prometheus ``/metrics`` (port 0 takes a free one);
            empty for no metrics.
        log_format: ``text`` for people, ``json`` for one object a line.
    """

    metrics: str = ""
    log_format: str = "text"


def add_observability_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds ``--metrics`` and ``--log-format`` (call before ``apply_environment``)."""
    parser.add_argument(
        "--metrics",
        default="",
        metavar="HOST:PORT",
        help="serve Prometheus metrics on http://HOST:PORT/metrics; off when empty",
    )
    parser.add_argument(
        "--log-format",
        default="text",
        choices=LOG_FORMATS,
        help="log lines as text or one JSON object a line",
    )


def observability_from(args: argparse.Namespace) -> Observability:
    """The options as parsed."""
    return Observability(metrics=args.metrics.strip(), log_format=args.log_format)
