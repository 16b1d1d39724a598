"""Child processes of a benchmark run: start with a log file, measure RSS, always stop."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

STOP_WAIT_S = 10.0


def vm_rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB, from /proc/PID/status (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


REPOSITORY = Path(__file__).resolve().parent.parent


def python_env(extra: Mapping[str, str] | None = None, root: Path = REPOSITORY) -> dict[str, str]:
    """This process's environment with the repository (``root``: another checkout's) on PYTHONPATH."""
    env = dict(os.environ)
    # Only ``root`` itself: another checkout must not import this one's packages.
    env["PYTHONPATH"] = (
        str(root)
        if root != REPOSITORY
        else os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    )
    env.update(extra or {})
    return env


@dataclass
class Child:
    """A started child process whose output goes to ``log_path``."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @classmethod
    def start(
        cls,
        name: str,
        args: Sequence[str],
        log_dir: Path,
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        root: Path = REPOSITORY,
    ) -> Child:
        """Starts ``python args...`` (of checkout ``root``) with stdout and stderr in ``log_dir/name.log``."""
        log_path = log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [python, *args],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=python_env(env, root),
            )
        return cls(name, process, log_path)

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self.process.pid

    def rss_kib(self) -> int:
        """The child's resident memory in KiB."""
        return vm_rss_kib(self.pid)

    def alive(self) -> bool:
        """True while the child runs."""
        return self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the child's output, for error messages."""
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> int:
        """SIGTERM, wait, then SIGKILL if it has not exited; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_WAIT_S)
        return int(self.process.returncode)

    def crash(self) -> None:
        """SIGKILL without warning (an acknowledged write must survive this)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(STOP_WAIT_S)
