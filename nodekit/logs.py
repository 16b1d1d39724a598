"""One logging setup for every node."""

from __future__ import annotations

import logging
import sys


def setup_logging(node: str, level: str = "INFO") -> None:
    """Logs to stderr with the node's name on every line."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format=f"%(asctime)s {node} %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
