"""Runs the whole distribution network as separate processes: ``python run.py --help``."""

from __future__ import annotations

import os
import sys

from bootstrap import ensure_environment

if __name__ == "__main__":
    # Before any third-party import: on first use this creates .venv and re-runs us inside it.
    ensure_environment()
    # The launcher forks only to exec its children: gRPC's fork handlers are not needed, and
    # their notice on stderr would cut across the dashboard. Read when grpc is first imported.
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
    from launcher import main

    sys.exit(main())
