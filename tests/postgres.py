"""A private PostgreSQL server for tests: initdb into a temporary folder, start on loopback, stop.

Uses the server binaries of the machine (Debian's ``postgresql`` package). When
they are missing the tests that need them are skipped, unless
``DISTRIBUTION_REQUIRE_POSTGRES`` is set (CI sets it, after installing them),
in which case they fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nodekit.ports import free_port

REQUIRE = "DISTRIBUTION_REQUIRE_POSTGRES"
START_TIMEOUT_S = 60
SUPERUSER = "postgres"


def server_binaries() -> Path | None:
    """The folder with initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Runs a throwaway server in a temporary folder; yields the admin URL (database ``postgres``)."""
    binaries = server_binaries()
    if binaries is None:
        if os.environ.get(REQUIRE):
            pytest.fail(f"PostgreSQL server binaries not found, and {REQUIRE} is set")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # Directly under the system temp folder: the server's user must be able to reach it.
    root = Path(tempfile.mkdtemp(prefix="distribution-postgres-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    # The server refuses to run as root: then it runs as the system's postgres user.
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, SUPERUSER)
        shutil.chown(sockets, SUPERUSER)
        as_user = ["runuser", "-u", SUPERUSER, "--"]
    port = free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*as_user, *command], capture_output=True, text=True, timeout=START_TIMEOUT_S)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr or done.stdout}")

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", SUPERUSER, "--no-sync")
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
        run(
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "start",
        )
        try:
            yield f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{port}/postgres"
        finally:
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
