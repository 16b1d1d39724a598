"""`python -m branch_node`: runs one branch store until SIGTERM/SIGINT (exit 0), or exit 1 if refused."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from branch_node.metrics import observe_branch
from branch_node.node import start_branch
from branch_node.settings import BranchSettings, parse_args
from nodekit.db.migrate import SchemaTooNew
from nodekit.handshake import HandshakeRefused, check_handshake
from nodekit.observability.setup import observe
from nodekit.runtime import run, stop_event_on_signals

logger = logging.getLogger(__name__)


async def serve(settings: BranchSettings) -> int:
    """Starts the branch, waits for a stop signal, drains and exits 0; exits 1 when it is refused."""
    stop = stop_event_on_signals()
    try:
        await check_handshake(settings.central, settings.tls)
    except HandshakeRefused as error:
        logger.error("%s", error)
        return 1
    try:
        branch = await start_branch(settings)
    except SchemaTooNew as error:
        logger.error("branch %s cannot start: %s", settings.name, error)
        return 1
    observe_branch(branch)
    print(f"branch {settings.name} running (db {settings.db_path})", flush=True)
    refused = await branch.until_stopped(stop)
    await branch.stop()
    if refused is not None:
        logger.error("%s", refused)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``distribution-branch`` script."""
    settings = parse_args(sys.argv[1:] if argv is None else argv)
    observe(f"branch-{settings.name}", settings.log_level, settings.observability)
    return run(serve(settings))


if __name__ == "__main__":
    raise SystemExit(main())
