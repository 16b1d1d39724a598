"""`python -m operator_cli`: the operator command (the ``distribution-admin`` script)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from nodekit.runtime import run
from operator_cli.app import run_admin

INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: runs one command and returns its exit code (0 done, 1 failed, 2 usage)."""
    try:
        return run(run_admin(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        return INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
