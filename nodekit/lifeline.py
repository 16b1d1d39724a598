"""Stops a node whose launcher died, on every platform: its stdin is a pipe the launcher holds.

The launcher never writes to the pipe; the operating system closes the launcher's end
whenever it ends, even by SIGKILL or TerminateProcess, and the node then reads end of
file. Linux can also ask the kernel for a signal (PR_SET_PDEATHSIG); macOS and Windows
cannot. Polling ``os.getppid()`` is no substitute: on Windows a process's parent id never
changes when the parent dies, and the id can be reused.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping

logger = logging.getLogger(__name__)

# Set by the launcher in the environment of a child whose stdin is the lifeline.
LIFELINE_ENV = "DISTRIBUTION_LIFELINE"
LIFELINE_STDIN = "stdin"
# How long a node may drain after its launcher is gone; then it exits hard, since no one
# is left to kill an orphan that hangs.
EXIT_DEADLINE_S = 30.0


def watch_launcher(
    env: Mapping[str, str] | None = None, fd: int | None = None, deadline_s: float = EXIT_DEADLINE_S
) -> threading.Thread | None:
    """Starts the watcher when the launcher asked for one in ``env``; None otherwise.

    At end of file the node gets SIGTERM from itself, as from the kernel on Linux: a
    node with its stop handlers in place drains and exits, one still starting ends at once.
    """
    if (os.environ if env is None else env).get(LIFELINE_ENV) != LIFELINE_STDIN:
        return None
    if fd is None:
        if sys.stdin is None:  # no standard input at all (e.g. pythonw): nothing to watch
            return None
        fd = sys.stdin.fileno()
    thread = threading.Thread(target=_watch, args=(fd, deadline_s), name="lifeline", daemon=True)
    thread.start()
    return thread


def _watch(fd: int, deadline_s: float) -> None:
    # The raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read holds
    # its lock and aborts the interpreter at exit.
    while True:
        try:
            chunk = os.read(fd, 512)
        except OSError:  # a broken pipe is the same news
            chunk = b""
        if not chunk:
            break
    logger.warning("the launcher is gone; stopping")
    deadline = threading.Timer(deadline_s, os._exit, args=(1,))
    deadline.daemon = True
    deadline.start()
    signal.raise_signal(signal.SIGTERM)
