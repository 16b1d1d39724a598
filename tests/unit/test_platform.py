"""Platform selection: Windows' stop handlers run here for real; imports need no POSIX-only names."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVarTuple

import pytest

from launcher.supervise.signals import StopSignals
from nodekit.platform import (
    CREATE_NEW_PROCESS_GROUP,
    install_stop_handlers,
    kill_group,
    launcher_stop_signals,
    new_group_options,
    node_stop_signals,
)
from nodekit.runtime import stop_event_on_signals

REPO_ROOT = Path(__file__).resolve().parents[2]
_Ts = TypeVarTuple("_Ts")
PACKAGES = ("nodekit", "launcher", "central", "customer_node", "manufacturer_node", "branch_node", "web_node")


class WindowsLikeLoop(asyncio.SelectorEventLoop):
    """A real loop without signal handlers, as on Windows: the base class's NotImplementedError."""

    def add_signal_handler(self, sig: int, callback: Callable[[*_Ts], object], *args: *_Ts) -> None:
        asyncio.AbstractEventLoop.add_signal_handler(self, sig, callback, *args)


@pytest.fixture
def windows_like_runner() -> Iterator[asyncio.Runner]:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    with asyncio.Runner(loop_factory=WindowsLikeLoop) as runner:
        yield runner
    for sig, handler in before.items():
        signal.signal(sig, handler)


def test_without_add_signal_handler_a_real_signal_reaches_the_loop_and_the_handler_is_undone(
    windows_like_runner: asyncio.Runner,
) -> None:
    before = signal.getsignal(signal.SIGTERM)

    async def scenario() -> signal.Signals:
        loop = asyncio.get_running_loop()
        got: asyncio.Future[signal.Signals] = loop.create_future()
        remove = install_stop_handlers(loop, (signal.SIGTERM,), got.set_result)
        try:
            assert signal.getsignal(signal.SIGTERM) is not before
            signal.raise_signal(signal.SIGTERM)
            return await asyncio.wait_for(got, 5)
        finally:
            remove()

    assert windows_like_runner.run(scenario()) is signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) == before


def test_the_launcher_catches_its_windows_signals_with_signal_signal_and_leaves_sighup_alone(
    windows_like_runner: asyncio.Runner,
) -> None:
    hup = signal.getsignal(signal.SIGHUP)

    async def scenario() -> signal.Signals:
        with StopSignals(platform="win32") as stops:
            assert signal.getsignal(signal.SIGHUP) == hup
            signal.raise_signal(signal.SIGINT)
            return await asyncio.wait_for(stops.wait(), 5)

    assert windows_like_runner.run(scenario()) is signal.SIGINT
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_node_on_a_loop_without_signal_handlers_still_stops_on_sigterm(
    windows_like_runner: asyncio.Runner,
) -> None:
    async def scenario() -> None:
        stop = stop_event_on_signals()
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(stop.wait(), 5)

    windows_like_runner.run(scenario())


def test_windows_stop_signals_have_no_sighup_and_posix_ones_do() -> None:
    assert signal.SIGHUP in launcher_stop_signals("linux")
    assert signal.SIGHUP in launcher_stop_signals("darwin")
    for chosen in (launcher_stop_signals("win32"), node_stop_signals("win32")):
        assert signal.SIGHUP not in chosen
        assert {signal.SIGINT, signal.SIGTERM} <= set(chosen)
    assert node_stop_signals("darwin") == (signal.SIGTERM, signal.SIGINT)


def test_children_get_their_own_group_in_the_platforms_way() -> None:
    assert new_group_options("darwin") == {"start_new_session": True}
    assert new_group_options("win32") == {"creationflags": CREATE_NEW_PROCESS_GROUP}
    assert getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200) == CREATE_NEW_PROCESS_GROUP


def test_killing_the_windows_way_ends_the_child_and_a_second_kill_is_harmless() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        kill_group(child, "win32")
        assert child.wait(timeout=10) != 0
        kill_group(child, "win32")
    finally:
        child.kill()
        child.wait()


# An interpreter without what Windows lacks: the POSIX-only signals and os functions,
# and the modules it does not have at all; uvloop missing too, as on Windows.
WITHOUT_POSIX = """
import importlib, os, pkgutil, signal, sys
for name in ("SIGHUP", "SIGKILL", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGCHLD"):
    delattr(signal, name)
for name in ("killpg", "setsid", "getpgid", "geteuid", "getuid", "fork"):
    delattr(os, name)
for name in ("fcntl", "termios", "tty", "pty", "resource", "pwd", "grp", "uvloop"):
    sys.modules[name] = None
failed = []
for package in sys.argv[1:]:
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if info.name.endswith(".migrations.env"):
            continue  # Alembic's script: it runs inside Alembic's context, never imported
        try:
            importlib.import_module(info.name)
        except Exception as error:
            failed.append(f"{info.name}: {error!r}")
for module in ("run", "bootstrap"):
    importlib.import_module(module)

from nodekit.runtime import run

async def main():
    return 7

print("imported", len(failed), "failures", failed, "ran", run(main()))
"""


def test_every_launcher_and_node_module_imports_without_posix_only_names() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_POSIX, *PACKAGES],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported 0 failures [] ran 7"


# Re-runs itself with the bootstrap's ``rerun``; the second run prints its pid and exits 3.
RERUN = """
import os, sys
import bootstrap
if len(sys.argv) > 2:
    print("rerun", os.getpid(), "first", sys.argv[2], flush=True)
    raise SystemExit(3)
bootstrap.rerun([sys.executable, sys.argv[0], sys.argv[1], str(os.getpid())], platform=sys.argv[1])
"""


@pytest.mark.parametrize(("platform", "same_process"), [("linux", True), ("win32", False)])
def test_the_bootstrap_reruns_in_place_on_posix_and_waits_for_the_rerun_on_windows(
    tmp_path: Path, platform: str, same_process: bool
) -> None:
    script = tmp_path / "rerun.py"
    script.write_text(RERUN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    argv = [sys.executable, str(script), platform]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env) as done:
        out, _ = done.communicate(timeout=60)
    _, rerun_pid, _, first_pid = out.split()
    assert done.returncode == 3
    assert int(first_pid) == done.pid
    assert (int(rerun_pid) == done.pid) is same_process
