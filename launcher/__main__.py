"""``distribution-run`` (and ``python run.py``): starts the whole network as separate processes."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Starts the run; grpc is imported only after its fork setting is made."""
    # The launcher forks only to exec its children: gRPC's fork handlers are not needed, and
    # their notice on stderr would cut across the dashboard. Read when grpc is first imported.
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
    from launcher.app import main as run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
