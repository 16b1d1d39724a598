"""`python -m manufacturer_node`: one manufacturer process, until SIGTERM/SIGINT."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from manufacturer_node.node import run_manufacturer
from manufacturer_node.settings import ManufacturerSettings, parse_args
from nodekit.observability.setup import observe
from nodekit.runtime import run, stop_event_on_signals


async def serve(settings: ManufacturerSettings) -> int:
    """Runs the manufacturer; SIGTERM or SIGINT stops it with exit status 0."""
    return await run_manufacturer(settings, stop_event_on_signals())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``distribution-manufacturer`` script."""
    settings = parse_args(sys.argv[1:] if argv is None else argv)
    observe(f"manufacturer[{settings.name}]", settings.log_level, settings.observability)
    return run(serve(settings))


if __name__ == "__main__":
    raise SystemExit(main())
