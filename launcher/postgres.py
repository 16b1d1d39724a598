"""A throwaway PostgreSQL server on loopback (the machine's initdb and pg_ctl): runs, tests, benchmarks."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nodekit.platform import new_group_options
from nodekit.ports import free_port

SUPERUSER = "postgres"
START_TIMEOUT_S = 60
KEEPER_EXIT_S = 30
HINT = (
    "install PostgreSQL's server (Debian: apt-get install postgresql) or pass --db postgresql+asyncpg://..."
)


class PostgresMissing(RuntimeError):
    """The machine has no PostgreSQL server binaries."""


def server_binaries() -> Path | None:
    """The folder with initdb and pg_ctl, or None when PostgreSQL's server is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


@contextmanager
def throwaway_postgres(max_connections: int = 300) -> Iterator[str]:
    """Runs a server in a temporary folder until the block ends; yields its admin URL (database postgres).

    Raises:
        PostgresMissing: initdb and pg_ctl are not on this machine.
    """
    binaries = server_binaries()
    if binaries is None:
        raise PostgresMissing(f"no PostgreSQL server binaries (initdb, pg_ctl) on this machine: {HINT}")
    # Directly under the system temp folder: the server's user must be able to reach it.
    root = Path(tempfile.mkdtemp(prefix="distribution-postgres-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    # The server refuses to run as root: then it runs as the system's postgres user.
    as_user: list[str] = []
    # (Windows has no root and no geteuid.)
    if getattr(os, "geteuid", lambda: -1)() == 0:
        shutil.chown(root, SUPERUSER)
        shutil.chown(sockets, SUPERUSER)
        as_user = ["runuser", "-u", SUPERUSER, "--"]
    port = free_port()
    # Stops the server and removes the folder if this process dies without its finally (SIGKILL).
    keeper = start_keeper(root, binaries / "pg_ctl", data, as_user)

    def run(*command: str) -> None:
        done = subprocess.run([*as_user, *command], capture_output=True, text=True, timeout=START_TIMEOUT_S)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr or done.stdout}")

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", SUPERUSER, "--no-sync")
        # Enough connections for several centrals' pools; deadlocks (rare: locks are ordered) found fast.
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections={max_connections}"
            " -c deadlock_timeout=100ms"
        )
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
        release_keeper(keeper)
        shutil.rmtree(root, ignore_errors=True)


def start_keeper(root: Path, pg_ctl: Path, data: Path, as_user: list[str]) -> subprocess.Popen[bytes]:
    """``launcher.postgres_keeper`` holding our end of its stdin; in its own group, so Ctrl-C passes it by."""
    package_root = str(Path(__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p),
    }
    command = [sys.executable, "-m", "launcher.postgres_keeper", str(root), str(pg_ctl), str(data), *as_user]
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        **new_group_options(),
    )


def release_keeper(keeper: subprocess.Popen[bytes]) -> None:
    """Closes the keeper's stdin (the server is stopped by now) and waits for it to end."""
    assert keeper.stdin is not None
    keeper.stdin.close()
    try:
        keeper.wait(KEEPER_EXIT_S)
    except subprocess.TimeoutExpired:
        keeper.kill()
        keeper.wait()


def raw_url(sqlalchemy_url: str) -> str:
    """The asyncpg form of a ``postgresql+asyncpg://`` URL."""
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def fresh_database(admin_url: str, prefix: str) -> str:
    """Creates an empty database on the server; returns its SQLAlchemy URL."""
    import asyncpg  # only runs on PostgreSQL need the driver

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(raw_url(admin_url), timeout=30)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
