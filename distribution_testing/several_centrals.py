"""Several real ``python -m central`` processes on one PostgreSQL database, for the tests that need N.

Each central gets its own port and log file; the harness waits for gRPC health
SERVING, hands out a channel and stubs per central and the raw asyncpg URL for
ledger checks, and always stops every process (SIGTERM, then SIGKILL after a
bound). When the body of ``several_centrals`` raises (a failed assertion too),
every central's log tail is printed, so the failure shows what the servers saw.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from distribution_testing.processes import ROOT, node_env
from distribution_testing.stubs import Stubs
from launcher.postgres.server import fresh_database, raw_url
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.health import wait_until_serving
from nodekit.ports import free_port

OPERATOR_KEY = "several-centrals-operator-key"
# Three interpreters importing grpc and SQLAlchemy at once on two cores take a few seconds, and
# ten times that when the machine is shared (imports measured at 11 s at a load average of 11).
# Only a central that never serves waits the bound out: one that exits fails the wait at once.
SERVING_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 5.0
LOG_TAIL_LINES = 40


@dataclass
class CentralProcess:
    """One central of the group: its port, log, process (None while down), channel and stubs."""

    index: int
    port: int
    log_path: Path
    channel: grpc.aio.Channel
    stubs: Stubs
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def address(self) -> str:
        """host:port of this central."""
        return f"127.0.0.1:{self.port}"

    @property
    def name(self) -> str:
        """A letter per central (A, B, C...), as the tests speak of them."""
        return chr(ord("A") + self.index)

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines of this central's output (all its runs, in order)."""
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_text(self) -> str:
        """This central's whole output so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Centrals:
    """N centrals sharing one database; index them as ``centrals[i]``."""

    db_url: str
    work_dir: Path
    nodes: list[CentralProcess]
    args: Sequence[str] = ()
    operator_key: str = OPERATOR_KEY
    _stopped: bool = field(default=False, repr=False)

    @property
    def raw_url(self) -> str:
        """The database for asyncpg (ledger checks)."""
        return raw_url(self.db_url)

    @property
    def operator_metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata of operator calls (the same key at every central)."""
        return bearer_metadata(self.operator_key)

    def __getitem__(self, index: int) -> CentralProcess:
        return self.nodes[index]

    def __len__(self) -> int:
        return len(self.nodes)

    def stubs(self, index: int) -> Stubs:
        """The customer and operator stubs of central ``index``."""
        return self.nodes[index].stubs

    def _command(self, node: CentralProcess) -> list[str]:
        return [
            sys.executable,
            "-m",
            "central",
            "--host",
            "127.0.0.1",
            "--port",
            str(node.port),
            "--db",
            self.db_url,
            "--operator-key",
            self.operator_key,
            *self.args,
        ]

    def launch(self, index: int) -> None:
        """Starts central ``index`` without waiting for it."""
        node = self.nodes[index]
        if node.alive():
            raise RuntimeError(f"central {node.name} is already running")
        node.starts += 1
        with node.log_path.open("ab") as log:
            log.write(f"--- start {node.starts} of central {node.name} on port {node.port}\n".encode())
            log.flush()
            node.process = subprocess.Popen(
                self._command(node),
                cwd=ROOT,
                env=node_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def wait_serving(self, index: int, timeout_s: float = SERVING_TIMEOUT_S) -> None:
        """Waits until central ``index`` is SERVING; fails at once if its process exits."""
        node = self.nodes[index]
        waiting = asyncio.create_task(wait_until_serving(node.address, timeout_s))
        try:
            while not waiting.done():
                if not node.alive():
                    code = None if node.process is None else node.process.returncode
                    raise RuntimeError(f"central {node.name} exited with code {code} before SERVING")
                await asyncio.wait({waiting}, timeout=0.1)
            await waiting
        finally:
            waiting.cancel()
            await asyncio.gather(waiting, return_exceptions=True)

    async def start(self, index: int) -> None:
        """Starts central ``index`` and waits until it is SERVING."""
        self.launch(index)
        await self.wait_serving(index)

    async def start_all(self, together: bool = False) -> None:
        """Starts every central: all at the same instant, or the first alone and then the rest.

        The first alone creates the schema before the others come, so a test of
        something else does not fail on a simultaneous start; ``together`` is the
        test of that start.
        """
        if together:
            for index in range(len(self.nodes)):
                self.launch(index)
            await asyncio.gather(*(self.wait_serving(i) for i in range(len(self.nodes))))
            return
        await self.start(0)
        for index in range(1, len(self.nodes)):
            self.launch(index)
        await asyncio.gather(*(self.wait_serving(i) for i in range(1, len(self.nodes))))

    def kill(self, index: int) -> None:
        """SIGKILL central ``index`` (a crash: no drain, no goodbye) and reap it."""
        process = self.nodes[index].process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self, index: int) -> int | None:
        """SIGTERM central ``index``, SIGKILL it after ``STOP_TIMEOUT_S``; returns its exit code."""
        process = self.nodes[index].process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT_S)
        return process.returncode

    async def restart(self, index: int) -> None:
        """Kills central ``index`` if it still runs, starts it on the same port, waits for SERVING."""
        self.kill(index)
        await self.start(index)

    def logs(self) -> str:
        """Every central's log tail, one block each."""
        return "\n".join(f"===== central {n.name} ({n.address}) =====\n{n.log_tail()}" for n in self.nodes)

    async def close(self) -> None:
        """Closes the channels and stops every process (SIGTERM, bounded, then SIGKILL)."""
        if self._stopped:
            return
        self._stopped = True
        for node in self.nodes:
            await node.channel.close()
        # SIGTERM to all first, so their drains overlap.
        for node in self.nodes:
            if node.alive() and node.process is not None:
                node.process.send_signal(signal.SIGTERM)
        for index in range(len(self.nodes)):
            self.stop(index)


@asynccontextmanager
async def several_centrals(
    admin_url: str,
    work_dir: Path,
    count: int = 3,
    *,
    together: bool = False,
    manufacturer_keys: Mapping[str, str] | None = None,
    reservation_ttl_s: float | None = None,
    extra_args: Sequence[str] = (),
) -> AsyncIterator[Centrals]:
    """Runs ``count`` centrals on a fresh database of the server at ``admin_url``.

    Args:
        admin_url: SQLAlchemy URL of the server's ``postgres`` database (see distribution_testing.postgres).
        work_dir: Folder for the centrals' logs.
        count: How many centrals.
        together: Start all at the same instant (else the first alone, then the rest).
        manufacturer_keys: Manufacturer name -> key, configured at every central.
        reservation_ttl_s: Reservation time-to-live of every central (the central's default when None).
        extra_args: More flags for every central.
    """
    db_url = await fresh_database(admin_url, "centrals")
    args = list(extra_args)
    for name, key in (manufacturer_keys or {}).items():
        args += ["--manufacturer", f"{name}={key}"]
    if reservation_ttl_s is not None:
        args += ["--reservation-ttl-seconds", str(reservation_ttl_s)]
    nodes = []
    for index in range(count):
        port = free_port()
        channel = open_channel(f"127.0.0.1:{port}")
        log_path = work_dir / f"central-{chr(ord('A') + index)}.log"
        nodes.append(CentralProcess(index, port, log_path, channel, Stubs.on(channel)))
    centrals = Centrals(db_url, work_dir, nodes, args)
    try:
        await centrals.start_all(together)
        yield centrals
    except BaseException:
        # Shown under the failed test's captured output.
        print(centrals.logs(), flush=True)
        raise
    finally:
        await centrals.close()
