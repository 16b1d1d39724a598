"""`python run_tests.py [pytest args]`: installs the project with its test extra, then runs the suite."""

from __future__ import annotations

import sys

from bootstrap import ensure_environment

if __name__ == "__main__":
    ensure_environment(extras=("test",))
    import pytest

    sys.exit(pytest.main(sys.argv[1:]))
