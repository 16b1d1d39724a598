"""A throwaway PostgreSQL server does not outlive its owner: SIGKILL the owner and the keeper stops it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from tests.helpers import wait_for
from tests.postgres import require_server_binaries

ROOT = Path(__file__).resolve().parents[2]
# The owner: starts a server, says where it is, and waits to be killed.
OWNER = """
import sys, time
from launcher.postgres.server import throwaway_postgres
with throwaway_postgres(max_connections=20) as url:
    print(url, flush=True)
    time.sleep(600)
"""


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def folders(parent: Path) -> set[Path]:
    return set(parent.glob("distribution-postgres-*"))


def test_a_killed_owner_leaves_no_server_and_no_folder_behind() -> None:
    require_server_binaries()
    # The owner's own temporary folder: other tests (other workers) make throwaway servers too.
    # Not under pytest's tmp_path, which the postgres user may not enter.
    parent = Path(tempfile.mkdtemp(prefix="keeper-test-"))
    parent.chmod(0o755)
    before = folders(parent)
    # A PATH without the sbin folders, as a root shell may have: runuser is found all the same.
    env = {**os.environ, "PATH": "/usr/bin:/bin", "TMPDIR": str(parent)}
    try:
        with subprocess.Popen(
            [sys.executable, "-c", OWNER],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as owner:
            killed_and_cleaned_up(owner, parent, before)
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def killed_and_cleaned_up(owner: subprocess.Popen[str], parent: Path, before: set[Path]) -> None:
    try:
        assert owner.stdout is not None
        url = owner.stdout.readline().strip()
        assert url.startswith("postgresql+asyncpg://"), url + owner.stdout.read()
        port = urlsplit(url).port
        assert port is not None and accepts(port)
        (folder,) = folders(parent) - before

        os.kill(owner.pid, signal.SIGKILL)
        owner.wait(30)

        wait_for(lambda: not accepts(port), 60, "the server to stop")
        wait_for(lambda: not folder.exists(), 60, "its folder to be removed")
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
