"""`python -m central`: runs the central distributor until SIGTERM/SIGINT."""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Sequence

from central.app import create_server
from central.operator_key import generated_key, key_file_for
from central.settings import CentralSettings, parse_args
from central.startup import StartupError, check_database
from nodekit.gc_tuning import tune_for_serving
from nodekit.observability.setup import observe
from nodekit.runtime import run, stop_event_on_signals

logger = logging.getLogger("central")


async def serve(settings: CentralSettings) -> int:
    """Starts the central, waits for a stop signal, drains and exits 0; 1 when it cannot start."""
    try:
        if not settings.operator_key:
            check_database(settings.db_url)
            key = generated_key(key_file_for(settings.db_url))
            settings = dataclasses.replace(settings, operator_key=key)
        central = await create_server(settings)
        tune_for_serving()
    except (StartupError, OSError) as error:
        logger.error("central cannot start: %s", error)
        return 1
    stop = stop_event_on_signals()
    print(f"central listening on {settings.host}:{central.port}", flush=True)
    await stop.wait()
    await central.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``distribution-central`` script."""
    settings = parse_args(sys.argv[1:] if argv is None else argv)
    observe("central", settings.log_level, settings.observability)
    return run(serve(settings))


if __name__ == "__main__":
    raise SystemExit(main())
