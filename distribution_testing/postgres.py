"""A private PostgreSQL server for tests: initdb into a temporary folder, start on loopback, stop.

Uses the server binaries of the machine (Debian's ``postgresql`` package). When
they are missing the tests that need them are skipped, unless
``DISTRIBUTION_REQUIRE_POSTGRES`` is set (CI sets it, after installing them),
in which case they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from launcher.postgres.server import server_binaries, throwaway_postgres

REQUIRE = "DISTRIBUTION_REQUIRE_POSTGRES"


def require_server_binaries() -> None:
    """Skips the test without PostgreSQL's server binaries; fails it instead when ``REQUIRE`` is set."""
    if server_binaries() is None:
        if os.environ.get(REQUIRE):
            pytest.fail(f"PostgreSQL server binaries not found, and {REQUIRE} is set")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Runs a throwaway server in a temporary folder; yields the admin URL (database ``postgres``)."""
    require_server_binaries()
    with throwaway_postgres() as url:
        yield url
