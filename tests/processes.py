"""Real node processes for tests (from the testing kit), and the port a central reports it bound."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from distribution_testing.polling import eventually
from distribution_testing.processes import ROOT, node_env, node_process, stop, stop_async

__all__ = ["ROOT", "central_address", "node_env", "node_process", "stop", "stop_async"]

# What ``python -m central`` prints once its server listens, with the port it bound.
LISTENING = re.compile(r"^central listening on \S+:(\d+)$", re.MULTILINE)
# A central's start-up on a loaded two-core machine (interpreter, imports, migrations) takes
# seconds; the bound only matters when it never listens, and an exit is noticed at once.
LISTEN_TIMEOUT_S = 60.0


async def central_address(
    log_path: Path, process: subprocess.Popen[bytes], timeout_s: float = LISTEN_TIMEOUT_S
) -> str:
    """``127.0.0.1:port`` of a central started with ``--port 0``, read from its ``log_path`` once it listens.

    Port 0 lets the kernel pick the port as the server binds it, so no other process can take
    it in between (as it can a port picked beforehand and freed). Fails at once, with the log,
    if the process exits first.
    """
    port = ""

    def listening() -> bool:
        nonlocal port
        log = log_path.read_text(errors="replace")
        found = LISTENING.search(log)
        if found:
            port = found.group(1)
            return True
        assert process.poll() is None, (
            f"central exited with code {process.returncode} before listening:\n{log}"
        )
        return False

    await eventually(listening, timeout_s)
    return f"127.0.0.1:{port}"
