"""The flags every node shares for observing it: ``--metrics HOST:PORT`` and ``--log-format``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace

from nodekit.declared import add_arguments, from_args, setting

LOG_FORMATS = ("text", "json")


@dataclass(frozen=True, slots=True, kw_only=True)
class Observability:
    """How a node shows itself; ``metrics`` port 0 takes a free one."""

    metrics: str = setting(
        "", metavar="HOST:PORT", help="serve Prometheus metrics on http://HOST:PORT/metrics; off when empty"
    )
    log_format: str = setting("text", choices=LOG_FORMATS, help="log lines as text or one JSON object a line")


def add_observability_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds ``--metrics`` and ``--log-format`` (call before ``apply_environment``)."""
    add_arguments(parser, Observability)


def observability_from(args: argparse.Namespace) -> Observability:
    """The options as parsed."""
    parsed = from_args(Observability, args)
    return replace(parsed, metrics=parsed.metrics.strip())
