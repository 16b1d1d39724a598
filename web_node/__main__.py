"""`python -m web_node --central ADDR [--port 8080]`: serves the pages until SIGTERM/SIGINT."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from nodekit.handshake import HandshakeRefused, check_handshake
from nodekit.observability.setup import observe
from nodekit.runtime import run, stop_event_on_signals
from web_node.app import start
from web_node.settings import WebSettings, parse_args

logger = logging.getLogger(__name__)


async def serve(settings: WebSettings) -> int:
    """Starts the web node, waits for a stop signal, closes the streams and exits 0."""
    stop = stop_event_on_signals()
    try:
        await check_handshake(settings.central, settings.tls)
    except HandshakeRefused as error:
        logger.error("%s", error)
        return 1
    node = await start(settings)
    print(f"web node serving on {node.url}", flush=True)
    await stop.wait()
    await node.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``distribution-web`` script."""
    settings = parse_args(sys.argv[1:] if argv is None else argv)
    observe("web", settings.log_level, settings.observability)
    return run(serve(settings))


if __name__ == "__main__":
    raise SystemExit(main())
