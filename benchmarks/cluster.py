"""Several ``python -m central`` processes on one PostgreSQL database for a benchmark: start, check, stop."""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from benchmarks.central_proc import OPERATOR_KEY, PROFILE_ENV, RESERVATION_TTL_S, key_env
from benchmarks.process import Child
from distribution_client.service import CentralService
from generated.distribution.v1 import catalog_pb2, common_pb2
from nodekit.auth import bearer_metadata
from nodekit.health import wait_until_serving
from nodekit.ports import free_port

READY_TIMEOUT_S = 60.0
# How long a central may take to learn of a month another central opened (the specification's bound).
COHERENT_S = 0.5
# Log lines that tell of a conflict between centrals (deadlock, serialization failure).
CONFLICT = re.compile(r"40P01|40001|deadlock detected|could not serialize", re.IGNORECASE)


@dataclass
class Cluster:
    """N centrals on one database: their processes and addresses."""

    name: str
    db_url: str
    work_dir: Path
    ports: list[int]
    children: list[Child | None] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        """The pids of the centrals running now."""
        return [child.process.pid for child in self.children if child is not None]

    @property
    def addresses(self) -> list[str]:
        """host:port of each central."""
        return [f"127.0.0.1:{port}" for port in self.ports]

    @property
    def operator_metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata of operator calls."""
        return bearer_metadata(OPERATOR_KEY)

    def _launch(self, index: int) -> Child:
        args = [
            "-m",
            "central",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.ports[index]),
            "--db",
            self.db_url,
            "--reservation-ttl-seconds",
            str(RESERVATION_TTL_S),
            "--log-level",
            "WARNING",
        ]
        name = f"central-{self.name}-{index}-{time.monotonic_ns()}"
        profile = os.environ.get(PROFILE_ENV)
        if profile:
            # Each central its own stats file, written when it exits cleanly (SIGTERM).
            args = ["-m", "cProfile", "-o", f"{profile}.{self.name}-{index}", *args]
        child = Child.start(name, args, self.work_dir, env=key_env())
        self.children[index] = child
        return child

    async def _serving(self, index: int) -> None:
        child = self.children[index]
        assert child is not None
        waiting = asyncio.create_task(wait_until_serving(self.addresses[index], READY_TIMEOUT_S))
        try:
            while not waiting.done():
                if not child.alive():
                    raise RuntimeError(f"{self.name} central {index} exited:\n{child.log_tail()}")
                await asyncio.wait({waiting}, timeout=0.2)
            await waiting
        finally:
            waiting.cancel()
            await asyncio.gather(waiting, return_exceptions=True)

    async def start(self) -> None:
        """The first central alone (it creates the schema), then the others together."""
        self.children = [None] * len(self.ports)
        self._launch(0)
        await self._serving(0)
        for index in range(1, len(self.ports)):
            self._launch(index)
        await asyncio.gather(*(self._serving(i) for i in range(1, len(self.ports))))

    async def restart(self, index: int) -> None:
        """Stops central ``index`` and starts it again on its port."""
        child = self.children[index]
        if child is not None:
            child.stop()
        self._launch(index)
        await self._serving(index)

    async def month_everywhere(self, channels: list[grpc.aio.Channel], month: int) -> list[int]:
        """Waits ``COHERENT_S`` for every central to list ``month`` open; restarts those that do not.

        A central that learns of the month only by restarting (it reads the open
        month at start) is incoherent: the run reports it, then measures anyway.
        """
        deadline = time.monotonic() + COHERENT_S
        pending = set(range(len(channels)))
        while pending and time.monotonic() < deadline:
            for index in sorted(pending):
                stub = CentralService(channels[index]).catalog
                listed = await stub.ListStockLines(
                    catalog_pb2.ListStockLinesRequest(), metadata=self.operator_metadata, timeout=10
                )
                if listed.month == month and listed.month_state == common_pb2.MONTH_STATE_OPEN:
                    pending.discard(index)
            await asyncio.sleep(0.02)
        for index in sorted(pending):
            await self.restart(index)
        return sorted(pending)

    def conflict_log_lines(self) -> int:
        """Lines of the centrals' logs that tell of a deadlock or serialization failure."""
        lines = 0
        for log in self.work_dir.glob(f"central-{self.name}-*.log"):
            lines += sum(1 for line in log.read_text(errors="replace").splitlines() if CONFLICT.search(line))
        return lines

    def stop(self) -> None:
        """SIGTERM every central (SIGKILL after a bound)."""
        # SIGTERM to all first, so their drains overlap.
        for child in self.children:
            if child is not None and child.alive():
                child.process.terminate()
        for child in self.children:
            if child is not None:
                child.stop()


def new_cluster(name: str, db_url: str, work_dir: Path, count: int) -> Cluster:
    """A cluster of ``count`` centrals on free ports (not started)."""
    return Cluster(name, db_url, work_dir, [free_port() for _ in range(count)])
