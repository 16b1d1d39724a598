"""Runs the whole distribution network as separate processes: ``python run.py --help``."""

from __future__ import annotations

import sys

from bootstrap import ensure_environment

if __name__ == "__main__":
    # Before any third-party import: on first use this creates .venv and re-runs us inside it.
    ensure_environment()
    from launcher.__main__ import main

    sys.exit(main())
