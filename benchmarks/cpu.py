"""CPU time of processes from /proc (Linux): what one call costs a central and the database server."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds the process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # After the command name: state is field 3; utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / _TICKS


def children_of(parent: int) -> list[int]:
    """The pids whose parent is ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
        if ppid == parent:
            found.append(int(entry.name))
    return found


def postmaster_of(port: int) -> int | None:
    """The pid of the PostgreSQL server listening on ``port`` (from its command line)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if argv and argv[0].endswith(b"postgres") and f"-p {port}".encode() in b" ".join(argv):
            return int(entry.name)
    return None


def total_cpu(pids: Iterable[int]) -> float:
    """CPU seconds of all these processes."""
    return sum(cpu_seconds(pid) for pid in pids)


class Counted:
    """An operation that counts its completed calls: CPU per call divides by every call made.

    The CPU read from /proc covers the whole run, the window's fill and tail too; dividing
    it by the calls of the measured window alone would count the fill's work as the
    window's, more so the slower the calls.
    """

    def __init__(self, op: Callable[[int], Awaitable[None]]) -> None:
        self._op = op
        self.calls = 0

    async def __call__(self, worker: int) -> None:
        await self._op(worker)
        self.calls += 1
