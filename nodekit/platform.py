"""What differs between Linux, macOS and Windows: stop signals, their handlers, process groups."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from types import FrameType
from typing import Any

WINDOWS = "win32"
# Fixed by the Win32 API; the subprocess and signal modules define these names on Windows only.
CREATE_NEW_PROCESS_GROUP = 0x00000200
CTRL_BREAK_EVENT = 1

StopCallback = Callable[[signal.Signals], None]
AnyProcess = asyncio.subprocess.Process | subprocess.Popen[bytes]


def is_windows(platform: str | None = None) -> bool:
    """True on Windows (``platform`` defaults to ``sys.platform``; tests pass another)."""
    return (sys.platform if platform is None else platform) == WINDOWS


def _present(*names: str) -> tuple[signal.Signals, ...]:
    # By name, so that importing or calling this never touches a signal the platform lacks.
    return tuple(getattr(signal, name) for name in names if hasattr(signal, name))


def node_stop_signals(platform: str | None = None) -> tuple[signal.Signals, ...]:
    """The signals that stop a node: SIGTERM and SIGINT, and on Windows SIGBREAK.

    SIGBREAK is what the launcher's CTRL_BREAK_EVENT raises in a child on Windows.
    """
    if is_windows(platform):
        return _present("SIGTERM", "SIGINT", "SIGBREAK")
    return _present("SIGTERM", "SIGINT")


def launcher_stop_signals(platform: str | None = None) -> tuple[signal.Signals, ...]:
    """The signals that stop the launcher: SIGINT, SIGTERM, and SIGHUP (POSIX) or SIGBREAK (Windows).

    SIGHUP comes when the terminal closes; SIGBREAK is Ctrl-Break in the console.
    """
    if is_windows(platform):
        return _present("SIGINT", "SIGTERM", "SIGBREAK")
    return _present("SIGINT", "SIGTERM", "SIGHUP")


def install_stop_handlers(
    loop: asyncio.AbstractEventLoop,
    signals: tuple[signal.Signals, ...],
    callback: StopCallback,
) -> Callable[[], None]:
    """Calls ``callback(sig)`` on ``loop`` when one of ``signals`` arrives; returns the undo.

    Uses ``loop.add_signal_handler`` where the loop has it. Windows loops raise
    NotImplementedError there, so then a plain ``signal.signal`` handler hands the
    signal to the loop with ``call_soon_threadsafe`` (it may wake a loop blocked in I/O).
    Must run in the main thread, like both of those.
    """
    undo: list[Callable[[], object]] = []
    for sig in signals:
        try:
            loop.add_signal_handler(sig, callback, sig)
        except NotImplementedError:
            previous = signal.signal(sig, partial(_hand_to_loop, loop, callback))
            # None: a handler not set from Python; the default is the honest way back.
            undo.append(partial(signal.signal, sig, signal.SIG_DFL if previous is None else previous))
        else:
            undo.append(partial(loop.remove_signal_handler, sig))

    def remove() -> None:
        for step in reversed(undo):
            step()

    return remove


def _hand_to_loop(
    loop: asyncio.AbstractEventLoop, callback: StopCallback, signum: int, _frame: FrameType | None
) -> None:
    with contextlib.suppress(RuntimeError):  # the loop closed while the signal was on its way
        loop.call_soon_threadsafe(callback, signal.Signals(signum))


def new_group_options(platform: str | None = None) -> dict[str, Any]:
    """Process-creation options that put a child in its own group, out of reach of the terminal's Ctrl-C.

    POSIX: a new session. Windows: a new console process group, which also ignores Ctrl-C.
    """
    if is_windows(platform):
        return {"creationflags": CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def ask_group_to_stop(process: AnyProcess, platform: str | None = None) -> None:
    """Asks a child from ``new_group_options`` (and its group) to stop: SIGTERM or CTRL_BREAK_EVENT."""
    if is_windows(platform):
        # Windows has no SIGTERM for another process (os.kill would end it at once);
        # the child sees CTRL_BREAK_EVENT as SIGBREAK, one of its stop signals.
        with contextlib.suppress(OSError):
            process.send_signal(CTRL_BREAK_EVENT)
        return
    _signal_group(process.pid, signal.SIGTERM)


def kill_group(process: AnyProcess, platform: str | None = None) -> None:
    """Ends a child at once: SIGKILL to its group on POSIX, TerminateProcess on Windows.

    Windows ends the child only; whatever it started itself ends with its lifeline.
    """
    if is_windows(platform):
        with contextlib.suppress(OSError):
            process.kill()
        return
    _signal_group(process.pid, signal.SIGKILL)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    # os.killpg is POSIX only: looked up when called, never at import.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
