"""The lifeline without prctl (the macOS and Windows way): a node outlives no killed launcher."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from nodekit.lifeline import LIFELINE_ENV, LIFELINE_STDIN, watch_launcher
from tests.helpers import eventually
from tests.unit.test_launcher_processes import alive, python

REPO_ROOT = Path(__file__).resolve().parents[2]

# The launcher's supervisor, forced onto macOS's process handling: no PR_SET_PDEATHSIG.
LAUNCHER_WITHOUT_PRCTL = """
import asyncio, json, sys
from pathlib import Path
from launcher.supervise.processes import ChildSpec, Supervisor

async def main():
    run_dir, cwd, argv = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
    supervisor = Supervisor(run_dir, cwd=cwd, platform="darwin")
    await supervisor.start(ChildSpec("central", "central", argv))
    await asyncio.sleep(60)

asyncio.run(main())
"""

# Stop signals ignored: only the lifeline's deadline can end it.
HANGING_NODE = """
import signal, sys, time
from nodekit.lifeline import watch_launcher
signal.signal(signal.SIGTERM, signal.SIG_IGN)
watch_launcher({"DISTRIBUTION_LIFELINE": "stdin"}, deadline_s=0.3)
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""


async def test_a_real_central_stops_cleanly_when_its_launcher_is_killed_without_prctl(
    tmp_path: Path,
) -> None:
    central = [sys.executable, "-m", "central", "--port", "0", "--operator-key", "lifeline-key"]
    central += ["--db", f"sqlite+aiosqlite:///{tmp_path / 'central.sqlite3'}"]
    launcher = await asyncio.create_subprocess_exec(
        *python(LAUNCHER_WITHOUT_PRCTL, str(tmp_path), str(REPO_ROOT), json.dumps(central)),
        cwd=REPO_ROOT,
    )
    log = tmp_path / "logs" / "central.log"
    try:
        await eventually((tmp_path / "pids.json").exists, timeout_s=60)
        child = json.loads((tmp_path / "pids.json").read_text())["children"]["central"]["pid"]
        await eventually(lambda: "central listening" in log.read_text(), timeout_s=60)
    finally:
        launcher.kill()
        await launcher.wait()

    try:
        await eventually(lambda: not alive(child), timeout_s=30)
    finally:
        if alive(child):  # the test failed: still, no process of it outlives it
            os.kill(child, signal.SIGKILL)
    text = log.read_text()
    assert "the launcher is gone; stopping" in text
    assert "central stopped" in text


async def test_a_node_that_hangs_after_its_launcher_died_exits_by_the_deadline() -> None:
    node = await asyncio.create_subprocess_exec(
        *python(HANGING_NODE), cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert node.stdout is not None and node.stdin is not None
    try:
        assert await asyncio.wait_for(node.stdout.readline(), 30) == b"ready\n"
        node.stdin.close()  # what the operating system does when the launcher dies
        assert await asyncio.wait_for(node.wait(), 10) == 1
    finally:
        if node.returncode is None:
            node.kill()
            await node.wait()


def test_only_a_node_the_launcher_started_watches_its_stdin() -> None:
    assert watch_launcher(env={}) is None
    assert watch_launcher(env={LIFELINE_ENV: LIFELINE_STDIN.upper()}) is None
