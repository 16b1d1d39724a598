"""`python run_tests.py [pytest args]`: installs the project with its test extra, then runs the suite.

The quick loop while changing code: `python run_tests.py tests/unit tests/integration`
(the unit and integration tests, under two minutes on two quiet cores); one file in one
process: `.venv/bin/python -m pytest tests/integration/test_tls.py -x`. Any pytest argument
passes through; `DISTRIBUTION_TEST_WORKERS=1` runs everything in this process.
"""

from __future__ import annotations

import compileall
import os
import re
import sys
from pathlib import Path

from bootstrap import ensure_environment

# Most tests wait on real processes, sockets and databases rather than on the CPU, so the
# suite runs in more workers than the machine has cores; each test file stays on one worker.
DEFAULT_WORKERS = "4"
# Files are handed out in the order tests/conftest.py collects them (the long files of several
# centrals spread out), not xdist's default of most tests first, which leaves those files of one
# to three tests to the end, all at once.
DISTRIBUTION = ["--dist", "loadfile", "--no-loadscope-reorder"]


# The checkout's own folders to compile: not hidden ones (.venv, .git) nor run output.
NOT_COMPILED = re.compile(r"[/\\](\.|runs[/\\])")


def compile_checkout() -> None:
    """Writes the checkout's bytecode once, even under PYTHONDONTWRITEBYTECODE.

    The tests start many node processes; without cached bytecode each one compiles
    the project's modules again (about a tenth of its start-up CPU). Unchanged files are skipped.
    """
    compileall.compile_dir(Path(__file__).resolve().parent, quiet=1, rx=NOT_COMPILED)


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

    compile_checkout()
    sys.exit(pytest.main(with_workers(sys.argv[1:])))
