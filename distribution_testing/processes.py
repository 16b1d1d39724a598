"""Start and stop real node processes for tests, always cleaning up."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

# The folder holding the packages: the checkout in this repository, site-packages once installed.
ROOT = Path(__file__).resolve().parent.parent


def node_env() -> dict[str, str]:
    """The environment for a child node: the packages importable, output unbuffered."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextlib.contextmanager
def node_process(
    module: str, args: Sequence[str], log_path: Path, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Runs ``python -m module args`` (plus ``env``), logging to ``log_path``; kills it after if alive."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env={**node_env(), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def stop(process: subprocess.Popen[bytes], timeout_s: float = 10.0) -> int:
    """SIGTERM, wait, and return the exit code."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout_s)


async def stop_async(process: asyncio.subprocess.Process, timeout_s: float = 10.0) -> int:
    """SIGTERM (if still running), wait, and return the exit code; past ``timeout_s`` SIGKILL, then raise."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(process.wait(), timeout_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
