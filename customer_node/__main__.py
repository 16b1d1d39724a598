"""Entry point: ``python -m customer_node`` (simulated) or ``python -m customer_node shop``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from customer_node.cli import ShopSettings, SimulateSettings, parse_args
from customer_node.node import run_simulation
from nodekit.logs import setup_logging
from nodekit.observability.setup import observe
from nodekit.runtime import run, stop_event_on_signals


def main(argv: Sequence[str] | None = None) -> int:
    """Parses the command line and runs the customer.

    Args:
        argv: Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns:
        The process exit code: 0 after a clean stop (SIGTERM/SIGINT included), 1 on failure.
    """
    settings = parse_args(sys.argv[1:] if argv is None else argv)
    if isinstance(settings, ShopSettings):
        setup_logging("customer-shop", settings.log_level)
        return run(_shop(settings))
    # The node name becomes part of the log format string, so a '%' in it must be escaped.
    observe(f"customer[{settings.name}]".replace("%", "%%"), settings.log_level, settings.observability)
    return run(_simulate(settings))


async def _simulate(settings: SimulateSettings) -> int:
    # The signal handlers need the running loop, so they are installed inside it.
    return await run_simulation(settings, stop_event_on_signals())


async def _shop(settings: ShopSettings) -> int:
    # Imported here: prompt-toolkit takes a while to load, and the simulated customers started
    # by the launcher by the dozen must not wait for a terminal library they never use.
    from customer_node.terminal import run_shop

    return await run_shop(settings, stop_event_on_signals())


if __name__ == "__main__":
    raise SystemExit(main())
