"""A throwaway PostgreSQL a test can take away and bring back: SIGKILL, a clean stop, a start again."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from launcher.postgres.server import SUPERUSER, release_keeper, server_binaries, server_user, start_keeper
from nodekit.ports import free_port
from tests.postgres import require_server_binaries

COMMAND_TIMEOUT_S = 60
# After its postmaster is SIGKILLed the server's other processes end by themselves; until then
# a new server refuses to start on their shared memory.
RESTART_TIMEOUT_S = 30.0


@dataclass
class RestartablePostgres:
    """One server: its admin URL, and the means to kill, stop and start it again."""

    url: str
    pg_ctl: Path
    data: Path
    options: str
    log: Path
    as_user: list[str]

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, str(self.pg_ctl), "-D", str(self.data), *args],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )

    def kill(self) -> None:
        """SIGKILL the postmaster (a crash: its backends end once they notice)."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

    def freeze(self) -> list[int]:
        """SIGSTOP the postmaster and every backend (a hung server: connections open, no answers)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        # The postmaster first: stopped, it forks no backend, so the list read next misses none. Read
        # before it, a backend forked meanwhile (a central opening a connection) kept answering.
        os.kill(postmaster, signal.SIGSTOP)
        pids = [postmaster]
        for pid in _children(postmaster):
            with suppress(ProcessLookupError):  # a backend that ended since
                os.kill(pid, signal.SIGSTOP)
                pids.append(pid)
        return pids

    @staticmethod
    def thaw(pids: list[int]) -> None:
        """SIGCONT what ``freeze`` stopped."""
        for pid in pids:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                continue

    def stop(self) -> None:
        """A clean, fast stop: sessions are ended, new connections refused."""
        done = self._pg_ctl("-m", "fast", "-w", "stop")
        assert done.returncode == 0, done.stderr

    def start(self) -> None:
        """Starts the server again on the same port and folder (retried while a killed one winds down)."""
        deadline = time.monotonic() + RESTART_TIMEOUT_S
        while True:
            done = self._pg_ctl("-o", self.options, "-l", str(self.log), "-w", "-t", "60", "start")
            if done.returncode == 0:
                return
            assert time.monotonic() < deadline, f"PostgreSQL did not start again: {done.stderr}"
            time.sleep(0.2)


@contextmanager
def restartable_postgres() -> Iterator[RestartablePostgres]:
    """A server in a temporary folder for the block; always stopped and removed afterwards."""
    require_server_binaries()
    binaries = server_binaries()
    assert binaries is not None
    as_user = server_user()
    root = Path(tempfile.mkdtemp(prefix="distribution-postgres-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if as_user:
        shutil.chown(root, SUPERUSER)
        shutil.chown(sockets, SUPERUSER)
    port = free_port()
    keeper = start_keeper(root, binaries / "pg_ctl", data, as_user)
    try:
        subprocess.run(
            [
                *as_user,
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
        )
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=200"
            " -c deadlock_timeout=100ms"
        )
        server = RestartablePostgres(
            f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{port}/postgres",
            binaries / "pg_ctl",
            data,
            options,
            log,
            as_user,
        )
        server.start()
        try:
            yield server
        finally:
            server._pg_ctl("-m", "immediate", "-w", "stop")
    finally:
        release_keeper(keeper)
        shutil.rmtree(root, ignore_errors=True)


def _children(parent: int) -> list[int]:
    """The pids whose parent is ``parent`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent pid is the second field after it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found
