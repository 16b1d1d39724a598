"""`python run_tests.py [pytest args]`: installs the project with its test extra, then runs the suite."""

from __future__ import annotations

import os
import sys

from bootstrap import ensure_environment

# Most tests wait on real processes, sockets and databases rather than on the CPU, so the
# suite runs in more workers than the machine has cores; each test file stays on one worker.
DEFAULT_WORKERS = "4"
# Files are handed out in the order tests/conftest.py collects them (longest first), not
# xdist's default of most tests first, which leaves the long files of one or two tests to last.
DISTRIBUTION = ["--dist", "loadfile", "--no-loadscope-reorder"]


def with_workers(args: list[str]) -> list[str]:
    """``args`` plus pytest-xdist's worker options, unless the caller chose them (or chose none)."""
    if any(arg.startswith(("-n", "--numprocesses")) or arg == "no:xdist" for arg in args):
        return args
    workers = os.environ.get("DISTRIBUTION_TEST_WORKERS", DEFAULT_WORKERS)
    if workers in ("0", "1"):
        return args
    return ["-n", workers, *DISTRIBUTION, *args]


if __name__ == "__main__":
    ensure_environment(extras=("test",))
    import pytest

    sys.exit(pytest.main(with_workers(sys.argv[1:])))
