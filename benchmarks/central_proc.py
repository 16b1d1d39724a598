"""The central as a separate process on a fresh SQLite file: start, wait for SERVING, stop."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from benchmarks.process import REPOSITORY, Child
from nodekit.auth import bearer_metadata
from nodekit.health import wait_until_serving
from nodekit.ports import free_port

OPERATOR_KEY = "bench-operator-key"
RESERVATION_TTL_S = 86_400.0
READY_TIMEOUT_S = 60.0
# Set to a file path to run the central under cProfile (stats written when it exits cleanly).
PROFILE_ENV = "BENCH_PROFILE_CENTRAL"
OPERATOR_KEY_ENV = "DISTRIBUTION_OPERATOR_KEY"
BRANCH_KEYS_ENV = "DISTRIBUTION_BRANCH_KEYS"


def key_env(branch_keys: Mapping[str, str] | None = None) -> dict[str, str]:
    """The keys by environment, as run.py hands them out: ``ps`` shows every command line to all."""
    env = {OPERATOR_KEY_ENV: OPERATOR_KEY}
    if branch_keys:
        env[BRANCH_KEYS_ENV] = ",".join(f"{name}={key}" for name, key in branch_keys.items())
    return env


@dataclass
class CentralProcess:
    """A running central: its process, address, database file and operator metadata."""

    child: Child
    address: str
    db_path: Path

    @property
    def operator_metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata for operator calls."""
        return bearer_metadata(OPERATOR_KEY)


async def start_central(
    work_dir: Path,
    branch_keys: Mapping[str, str],
    python: str = sys.executable,
    root: Path = REPOSITORY,
) -> CentralProcess:
    """Starts ``python -m central`` (synchronous=FULL default) and waits until it is SERVING.

    ``python`` and ``root`` run another checkout's central (``benchmarks.compare``).
    """
    port = free_port()
    db_path = work_dir / "central.sqlite3"
    args = [
        "-m",
        "central",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        f"sqlite+aiosqlite:///{db_path}",
        "--reservation-ttl-seconds",
        str(RESERVATION_TTL_S),
    ]
    profile = os.environ.get(PROFILE_ENV)
    if profile:
        args = ["-m", "cProfile", "-o", profile, *args]
    child = Child.start("central", args, work_dir, env=key_env(branch_keys), python=python, root=root)
    address = f"127.0.0.1:{port}"
    try:
        await _serving_or_dead(child, address)
    except BaseException as error:
        child.stop()
        raise RuntimeError(f"central did not become SERVING:\n{child.log_tail()}") from error
    return CentralProcess(child, address, db_path)


async def _serving_or_dead(child: Child, address: str) -> None:
    """Waits for SERVING, giving up at once if the process exits."""
    waiting = asyncio.create_task(wait_until_serving(address, READY_TIMEOUT_S))
    try:
        while not waiting.done():
            if not child.alive():
                raise RuntimeError(f"central exited with code {child.process.returncode}")
            await asyncio.wait({waiting}, timeout=0.2)
        await waiting
    finally:
        waiting.cancel()
