"""Sets up the project's virtual environment on first use, then re-runs the caller inside it (stdlib only)."""

from __future__ import annotations

import hashlib
import json
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
# What the last install put in .venv: pyproject.toml's hash and the extras it installed.
STAMP = VENV / ".installed.json"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _inside_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _installed() -> tuple[str, frozenset[str]] | None:
    """The stamp of the last install, or None when there is none (or it cannot be read)."""
    try:
        stamp = json.loads(STAMP.read_text())
        return str(stamp["pyproject"]), frozenset(str(extra) for extra in stamp["extras"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plan(extras: Sequence[str] = ()) -> frozenset[str] | None:
    """The extras to install, or None when .venv already has this pyproject.toml with ``extras``.

    The extras installed before are kept, so ``run.py`` (no extra) and ``run_tests.py`` (the
    test extra) share one environment and neither undoes what the other installed.
    """
    installed = _installed()
    if installed is not None and installed[0] == _pyproject_hash() and set(extras) <= installed[1]:
        return None
    kept = installed[1] if installed is not None else frozenset()
    return kept | frozenset(extras)


def _install(extras: frozenset[str]) -> None:
    target = f".[{','.join(sorted(extras))}]" if extras else "."
    print(f"bootstrap: installing {target} into {VENV} (once)", file=sys.stderr, flush=True)
    pip = [str(_venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    # Editable, so the checkout is what runs; its build chatter is shown only if the install fails.
    done = subprocess.run([*pip, "-e", target], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bootstrap: installing {target} failed (pip exited {done.returncode})")
    STAMP.write_text(json.dumps({"pyproject": _pyproject_hash(), "extras": sorted(extras)}) + "\n")


def ensure_environment(extras: Sequence[str] = ()) -> None:
    """Makes sure .venv exists with the project (and ``extras``) installed, then runs inside it.

    Returns only when already running in an up-to-date .venv; otherwise it
    installs what is missing (once: later runs find the stamp and install
    nothing) and replaces this process with the same command under the
    venv's interpreter.
    """
    if os.environ.get("DISTRIBUTION_NO_BOOTSTRAP"):
        return
    todo = plan(extras)
    if todo is None and _inside_venv():
        return
    if not _venv_python().exists():
        print(f"bootstrap: creating {VENV}", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if todo is not None:
        _install(todo)
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
