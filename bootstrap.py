"""Sets up the project's virtual environment on first use, then re-runs the caller inside it (stdlib only)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _stamp(extras: Sequence[str]) -> Path:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + ",".join(extras).encode())
    return VENV / f".installed-{digest.hexdigest()[:16]}"


def _inside_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def ensure_environment(extras: Sequence[str] = ()) -> None:
    """Makes sure .venv exists with the project (and ``extras``) installed, then runs inside it.

    Returns only when already running in an up-to-date .venv; otherwise it
    installs what is missing and replaces this process with the same command
    under the venv's interpreter.
    """
    if os.environ.get("DISTRIBUTION_NO_BOOTSTRAP"):
        return
    stamp = _stamp(extras)
    if _inside_venv() and stamp.exists():
        return
    if not _venv_python().exists():
        print(f"bootstrap: creating {VENV}", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not stamp.exists():
        target = f".[{','.join(extras)}]" if extras else "."
        print(f"bootstrap: installing {target} into {VENV}", file=sys.stderr, flush=True)
        pip = [str(_venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True, cwd=ROOT)
        subprocess.run([*pip, "-e", target], check=True, cwd=ROOT)
        for old in VENV.glob(".installed-*"):
            old.unlink()
        stamp.touch()
    if not _inside_venv():
        rerun([str(_venv_python()), *sys.argv])


def rerun(argv: Sequence[str], platform: str = sys.platform) -> NoReturn:
    """Runs ``argv`` in place of this process and ends with its exit code.

    POSIX replaces the process. Windows has no such call: there ``os.execv`` starts a
    new process and ends this one, so the console stops waiting and prompts over the
    run. So on Windows this process waits for the new one, ignoring Ctrl-C, which the
    new one (same console) gets and handles itself.
    """
    if platform != "win32":
        os.execv(argv[0], list(argv))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(subprocess.call(list(argv)))
