"""Stops a throwaway PostgreSQL server once its owner is gone, even by SIGKILL: the owner holds our stdin.

``pg_ctl start`` leaves the server running on its own, so an owner that dies without its
``finally`` (SIGKILL, a crash, TerminateProcess) would leave it behind with its data folder.
This small process reads its stdin, a pipe the owner never writes; the operating system
closes the owner's end when the owner ends, however it ends, and the read returns end of
file. Then the keeper stops the server (if it still runs) and removes the folder.

Usage: ``python -m launcher.postgres.keeper ROOT PG_CTL DATA [AS_USER ...]``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

STOP_TIMEOUT_S = 60


def wait_for_end_of_file(fd: int = 0) -> None:
    """Returns when the pipe on ``fd`` is closed at the other end (or fails)."""
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass


def main(argv: list[str]) -> int:
    """Waits for the owner to end, then stops the server and removes its folder."""
    root, pg_ctl, data, *as_user = argv
    # Ctrl-C reaches the whole terminal's group; the owner stops the server itself then.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    wait_for_end_of_file()
    if (Path(data) / "postmaster.pid").exists():
        command = [*as_user, pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"]
        subprocess.run(command, capture_output=True, timeout=STOP_TIMEOUT_S, check=False)
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
