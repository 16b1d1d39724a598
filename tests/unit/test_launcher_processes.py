"""The supervisor with real (tiny) child processes: logs, pids.json, watchdog, ordered stop."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from launcher.supervise.processes import ChildSpec, Supervisor, read_tail
from tests.helpers import eventually

REPO_ROOT = Path(__file__).resolve().parents[2]

# A child that says "ready" once its SIGTERM handler is in place, then waits.
POLITE = """
import signal, sys, time
def stop(*_):
    if len(sys.argv) > 1:
        with open(sys.argv[1], "a") as f:
            f.write(sys.argv[2] + "\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""
STUBBORN = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""
CRASHING = """
import sys
for i in range(30):
    print(f"line {i}")
sys.exit(3)
"""
PARENT_OF_SLEEPER = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(f"grandchild {child.pid}", flush=True)
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def alive(pid: int) -> bool:
    """True if ``pid`` runs (a zombie waiting for init to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def ready(supervisor: Supervisor, slug: str) -> Callable[[], bool]:
    return lambda: "ready" in supervisor.log_path(slug).read_text()


@pytest.fixture
async def supervisor(tmp_path: Path) -> AsyncIterator[Supervisor]:
    supervisor = Supervisor(tmp_path, cwd=tmp_path)
    yield supervisor
    # Whatever a test did, no child outlives it (stopping twice is harmless).
    await supervisor.stop_all(grace_s=1)


async def test_a_child_logs_to_its_file_and_is_listed_in_pids_json(
    supervisor: Supervisor, tmp_path: Path
) -> None:
    pid = await supervisor.start(ChildSpec("polite", "polite child", python(POLITE)))
    try:
        await eventually(ready(supervisor, "polite"))
        pids = json.loads((tmp_path / "pids.json").read_text())
        assert pids["launcher"] == os.getpid()
        assert pids["children"]["polite"]["pid"] == pid
        assert pids["children"]["polite"]["log"] == str(tmp_path / "logs" / "polite.log")
        assert supervisor.pids == {"polite": pid}
    finally:
        codes = await supervisor.stop_all()
    assert codes == {"polite": 0}
    assert not alive(pid)


async def test_the_watchdog_names_a_child_that_exits_with_the_end_of_its_log(
    supervisor: Supervisor,
) -> None:
    await supervisor.start(ChildSpec("steady", "steady child", python(POLITE)))
    await supervisor.start(ChildSpec("crashy", "customer crashy", python(CRASHING)))
    try:
        failure = await asyncio.wait_for(supervisor.first_unexpected_exit(), 10)
    finally:
        await supervisor.stop_all()

    assert failure.slug == "crashy"
    assert failure.returncode == 3
    assert failure.describe() == "customer crashy (crashy) exited with code 3"
    assert failure.tail == tuple(f"line {i}" for i in range(10, 30))


async def test_a_killed_child_is_reported_with_its_signal(supervisor: Supervisor) -> None:
    pid = await supervisor.start(ChildSpec("victim", "victim", python(POLITE)))
    await eventually(ready(supervisor, "victim"))
    os.kill(pid, 9)
    try:
        failure = await asyncio.wait_for(supervisor.first_unexpected_exit(), 10)
    finally:
        await supervisor.stop_all()

    assert failure.describe() == "victim (victim) was killed by SIGKILL"


async def test_children_are_stopped_shoppers_first_and_their_exits_are_not_failures(
    supervisor: Supervisor, tmp_path: Path
) -> None:
    order = tmp_path / "order.txt"
    for slug, tier in (("central", 0), ("maker", 1), ("shopper", 2)):
        await supervisor.start(ChildSpec(slug, slug, python(POLITE, str(order), slug), tier))
    for slug in ("central", "maker", "shopper"):
        await eventually(ready(supervisor, slug))

    codes = await supervisor.stop_all()

    assert codes == {"central": 0, "maker": 0, "shopper": 0}
    assert order.read_text().split() == ["shopper", "maker", "central"]
    watchdog = asyncio.ensure_future(supervisor.first_unexpected_exit())
    await asyncio.sleep(0)
    assert not watchdog.done()
    watchdog.cancel()


async def test_a_child_ignoring_sigterm_is_killed_after_the_grace_period(
    supervisor: Supervisor,
) -> None:
    pid = await supervisor.start(ChildSpec("stubborn", "stubborn", python(STUBBORN)))
    await eventually(ready(supervisor, "stubborn"))
    started = time.monotonic()

    codes = await supervisor.stop_all(grace_s=0.5)

    assert codes == {"stubborn": -9}
    assert 0.5 <= time.monotonic() - started < 5
    assert not alive(pid)


async def test_what_a_child_started_itself_is_stopped_with_it(supervisor: Supervisor) -> None:
    await supervisor.start(ChildSpec("parent", "parent", python(PARENT_OF_SLEEPER)))
    await eventually(ready(supervisor, "parent"))
    log = supervisor.log_path("parent").read_text()
    grandchild = int(log.split("grandchild ")[1].split()[0])
    assert alive(grandchild)

    await supervisor.stop_all(grace_s=2)

    await eventually(lambda: not alive(grandchild))


async def test_a_child_cannot_be_started_twice_or_after_stopping(supervisor: Supervisor) -> None:
    await supervisor.start(ChildSpec("once", "once", python(POLITE)))
    with pytest.raises(ValueError, match="already started"):
        await supervisor.start(ChildSpec("once", "once", python(POLITE)))
    await supervisor.stop_all()
    with pytest.raises(RuntimeError, match="stopping"):
        await supervisor.start(ChildSpec("late", "late", python(POLITE)))


async def test_a_child_killed_on_purpose_is_no_failure_and_restarts_with_the_same_spec(
    supervisor: Supervisor, tmp_path: Path
) -> None:
    env_probe = "import os; print('secret', os.environ['PROBE']); " + POLITE
    first = await supervisor.start(ChildSpec("victim", "victim", python(env_probe), env={"PROBE": "s3"}))
    await eventually(ready(supervisor, "victim"))

    assert await supervisor.kill("victim") == -9
    second = await supervisor.restart("victim")
    await eventually(lambda: supervisor.log_path("victim").read_text().count("ready") == 2)

    assert second != first and not alive(first) and alive(second)
    assert supervisor.pids == {"victim": second}
    assert supervisor.restarts == {"victim": 1}
    assert json.loads((tmp_path / "pids.json").read_text())["children"]["victim"]["pid"] == second
    assert supervisor.log_path("victim").read_text().count("secret s3") == 2
    watchdog = asyncio.ensure_future(supervisor.first_unexpected_exit())
    await asyncio.sleep(0.1)
    assert not watchdog.done(), "a deliberate kill is not an unexpected exit"
    watchdog.cancel()
    assert await supervisor.stop_all() == {"victim": 0}


async def test_only_a_child_killed_on_purpose_can_be_restarted(supervisor: Supervisor) -> None:
    await supervisor.start(ChildSpec("steady", "steady", python(POLITE)))
    await eventually(ready(supervisor, "steady"))

    with pytest.raises(RuntimeError, match="not killed on purpose"):
        await supervisor.restart("steady")


def test_read_tail_of_a_missing_log_is_empty(tmp_path: Path) -> None:
    assert read_tail(tmp_path / "nothing.log") == ()


LAUNCHER_STAND_IN = """
import asyncio, sys
from pathlib import Path
from launcher.supervise.processes import ChildSpec, Supervisor

async def main():
    supervisor = Supervisor(Path(sys.argv[1]), cwd=Path(sys.argv[1]))
    await supervisor.start(ChildSpec("orphan", "orphan", [sys.executable, "-c", sys.argv[2]]))
    await asyncio.sleep(60)

asyncio.run(main())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
async def test_children_die_with_a_launcher_that_is_killed(tmp_path: Path) -> None:
    launcher = await asyncio.create_subprocess_exec(
        *python(LAUNCHER_STAND_IN, str(tmp_path), POLITE),
        cwd=REPO_ROOT,
    )
    pids_file = tmp_path / "pids.json"
    try:
        # The stand-in imports the whole launcher first: seconds on a busy machine.
        await eventually(pids_file.exists, timeout_s=60)
        child = json.loads(pids_file.read_text())["children"]["orphan"]["pid"]
        await eventually(lambda: "ready" in (tmp_path / "logs" / "orphan.log").read_text())
    finally:
        launcher.kill()
        await launcher.wait()

    await eventually(lambda: not alive(child))
