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
RUNUSER_PATHS = ("/usr/sbin/runuser", "/sbin/runuser")
HINT = (
    "install PostgreSQL's server (Debian: apt-get install postgresql) or pass --db postgresql+asyncpg://..."
)


class PostgresUnavailable(RuntimeError):
    """A throwaway server could not be started; the message is one line for a person."""


class PostgresMissing(PostgresUnavailable):
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
        PostgresUnavailable: The server could not be started (as root: no runuser or postgres user).
    """
    binaries = server_binaries()
    if binaries is None:
        raise PostgresMissing(f"no PostgreSQL server binaries (initdb, pg_ctl) on this machine: {HINT}")
    as_user = server_user()
    # Directly under the system temp folder: the server's user must be able to reach it.
    root = Path(tempfile.mkdtemp(prefix="distribution-postgres-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if as_user:
        shutil.chown(root, SUPERUSER)
        shutil.chown(sockets, SUPERUSER)
    port = free_port()
    keeper: subprocess.Popen[bytes] | None = None

    def run(*command: str) -> None:
        try:
            done = subprocess.run(
                [*as_user, *command], capture_output=True, text=True, timeout=START_TIMEOUT_S
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PostgresUnavailable(f"{Path(command[0]).name} could not run: {error}") from error
        if done.returncode != 0:
            said = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            last = said[-1].strip() if said else "no output"
            raise PostgresUnavailable(f"{Path(command[0]).name} failed ({done.returncode}): {last}")

    try:
        # Stops the server and removes the folder if this process dies without its finally (SIGKILL).
        keeper = start_keeper(root, binaries / "pg_ctl", data, as_user)
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
        if keeper is not None:
            release_keeper(keeper)
        shutil.rmtree(root, ignore_errors=True)


def server_user() -> list[str]:
    """The prefix that runs the server's commands: none, or as root ``runuser`` to the postgres user.

    The server refuses to run as root. (Windows has no root and no geteuid.)

    Raises:
        PostgresUnavailable: Root, but no ``postgres`` system user or no ``runuser``.
    """
    if getattr(os, "geteuid", lambda: -1)() != 0:
        return []
    import pwd  # POSIX only, like root

    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root, the server must run as the {SUPERUSER!r} system user, and there is none"
        ) from None
    # root's PATH may leave out the sbin folders, where runuser lives.
    runuser = shutil.which("runuser") or next((p for p in RUNUSER_PATHS if os.access(p, os.X_OK)), None)
    if runuser is None:
        raise PostgresUnavailable("running as root, the server needs runuser (util-linux), not found")
    return [runuser, "-u", SUPERUSER, "--"]


def start_keeper(root: Path, pg_ctl: Path, data: Path, as_user: list[str]) -> subprocess.Popen[bytes]:
    """``launcher.postgres.keeper`` holding our end of its stdin; in its own group, so Ctrl-C passes it by."""
    package_root = str(Path(__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p),
    }
    command = [sys.executable, "-m", "launcher.postgres.keeper", str(root), str(pg_ctl), str(data), *as_user]
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
