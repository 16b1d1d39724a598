"""The supervisor: starts children in their own process groups, watches them, stops them all."""

from __future__ import annotations

import asyncio
import ctypes
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launcher.supervise.metrics_targets import MetricsTargets
from nodekit.lifeline import LIFELINE_ENV, LIFELINE_STDIN
from nodekit.platform import ask_group_to_stop, kill_group, new_group_options

logger = logging.getLogger(__name__)

STOP_GRACE_S = 5.0
TAIL_LINES = 20
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class ChildSpec:
    """How to start one child.

    Attributes:
        slug: Unique, file-name-safe id; names the log file and the pids.json entry.
        label: What a person reads, e.g. ``manufacturer Acme Foods``.
        argv: The full command line.
        tier: Stop order: higher tiers are stopped first (shoppers before the central).
        env: Extra environment of this child only (e.g. a secret kept off its command line).
    """

    slug: str
    label: str
    argv: Sequence[str]
    tier: int = 0
    env: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True)
class ChildExit:
    """A child that ended: who, how, and the end of its log."""

    slug: str
    label: str
    returncode: int
    log_path: Path
    tail: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line: the child's label and how it ended."""
        if self.returncode < 0:
            try:
                how = f"was killed by {signal.Signals(-self.returncode).name}"
            except ValueError:
                how = f"was killed by signal {-self.returncode}"
        else:
            how = f"exited with code {self.returncode}"
        return f"{self.label} ({self.slug}) {how}"


@dataclass(slots=True)
class _Child:
    spec: ChildSpec
    process: asyncio.subprocess.Process
    log_path: Path
    watcher: asyncio.Task[None] | None = field(default=None)
    # Set before the launcher kills the child on purpose, so the watchdog lets it go.
    killed_on_purpose: bool = False


def read_tail(path: Path, lines: int = TAIL_LINES) -> tuple[str, ...]:
    """The last ``lines`` lines of a log file (empty if it is missing)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            # Logs can be large; the last 64 KiB hold far more than 20 lines.
            handle.seek(max(0, size - 65536))
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(text.splitlines()[-lines:])


def _die_with_parent_hook(platform: str) -> Callable[[], None] | None:
    """A pre-exec hook that makes the kernel SIGTERM the child if the launcher dies.

    try/finally covers exceptions and signals we can catch; this covers SIGKILL of
    the launcher, which would otherwise orphan the children (they are in their own
    sessions, so the terminal's signals do not reach them). Linux only; the lifeline
    (the child's stdin) does the same everywhere for children that run on nodekit.
    """
    if not platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        # Runs in the child between fork and exec: only a foreign call, nothing that locks.
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the launcher died before prctl took effect
            os._exit(1)

    return hook


class Supervisor:
    """Owns every child process of a run.

    Children run in their own process group (a session on POSIX, a console process
    group on Windows), so Ctrl-C in the terminal reaches only the launcher, which then
    stops them in order; on POSIX a signal to the group also reaches anything a child
    started itself. Each child's stdin is a pipe the launcher holds: its lifeline.

    Args:
        run_dir: Where ``logs/`` and ``pids.json`` go.
        cwd: The children's working directory (on their import path too).
        env: Their base environment; the launcher's by default.
        platform: Whose process handling to use; ``sys.platform`` unless a test forces another.
        metrics: Gives each child a /metrics address (run.py --metrics); None for none.
    """

    def __init__(
        self,
        run_dir: Path,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        *,
        platform: str = sys.platform,
        metrics: MetricsTargets | None = None,
    ) -> None:
        self._logs = run_dir / "logs"
        self._pids_file = run_dir / "pids.json"
        self._cwd = cwd
        base = dict(env if env is not None else os.environ)
        self._env = {
            **base,
            # Unbuffered output, so a crashed child's last lines are in its log.
            "PYTHONUNBUFFERED": "1",
            # The node packages import each other from the repository, installed or not.
            "PYTHONPATH": os.pathsep.join(p for p in (str(cwd), base.get("PYTHONPATH")) if p),
            LIFELINE_ENV: LIFELINE_STDIN,
        }
        self._children: dict[str, _Child] = {}
        # How often each child was started again after a deliberate kill, by slug.
        self.restarts: dict[str, int] = {}
        self._stopping = False
        self._failure: asyncio.Future[ChildExit] = asyncio.get_running_loop().create_future()
        self._platform = platform
        self._hook = _die_with_parent_hook(platform)
        self.metrics = metrics

    @property
    def pids(self) -> dict[str, int]:
        """Process id of every child started so far, by slug."""
        return {slug: child.process.pid for slug, child in self._children.items()}

    def log_path(self, slug: str) -> Path:
        """Where a child's stdout and stderr go."""
        return self._logs / f"{slug}.log"

    async def start(self, spec: ChildSpec) -> int:
        """Starts a child with its output in ``logs/<slug>.log``; returns its pid."""
        if spec.slug in self._children:
            raise ValueError(f"child {spec.slug!r} was already started")
        return await self._spawn(spec)

    async def kill(self, slug: str) -> int:
        """SIGKILLs a running child on purpose (a fault to show); the watchdog does not count it.

        Returns:
            The killed process's return code (``-SIGKILL``).
        """
        child = self._children[slug]
        if child.process.returncode is not None:
            raise RuntimeError(f"{child.spec.label} is not running")
        child.killed_on_purpose = True
        kill_group(child.process, self._platform)
        code = await child.process.wait()
        if child.watcher is not None:
            await child.watcher
        logger.info("killed %s (pid %d) on purpose", child.spec.label, child.process.pid)
        return code

    async def restart(self, slug: str) -> int:
        """Starts a child that was killed on purpose again, with the same spec; returns its pid."""
        child = self._children[slug]
        if not child.killed_on_purpose or child.process.returncode is None:
            raise RuntimeError(f"{child.spec.label} was not killed on purpose")
        self.restarts[slug] = self.restarts.get(slug, 0) + 1
        return await self._spawn(child.spec)

    async def _spawn(self, spec: ChildSpec) -> int:
        if self._stopping:
            raise RuntimeError("the supervisor is stopping")
        self._logs.mkdir(parents=True, exist_ok=True)
        log_path = self.log_path(spec.slug)
        with log_path.open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                *spec.argv,
                # Never written: the child reads end of file once the launcher is gone.
                stdin=asyncio.subprocess.PIPE,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                cwd=self._cwd,
                env={**self._env, **spec.env, **(self.metrics.env_for(spec.slug) if self.metrics else {})},
                preexec_fn=self._hook,
                **new_group_options(self._platform),
            )
        child = _Child(spec, process, log_path)
        child.watcher = asyncio.create_task(self._watch(child), name=f"watch-{spec.slug}")
        self._children[spec.slug] = child
        self._write_pids()
        logger.info("started %s as pid %d", spec.label, process.pid)
        return process.pid

    async def first_unexpected_exit(self) -> ChildExit:
        """Waits until some child ends while the supervisor is not stopping it."""
        return await asyncio.shield(self._failure)

    async def stop_all(self, grace_s: float = STOP_GRACE_S) -> dict[str, int]:
        """Stops every child, shoppers first: SIGTERM, a bounded wait, then SIGKILL.

        Returns:
            Each child's return code, by slug.
        """
        self._stopping = True
        for tier in sorted({c.spec.tier for c in self._children.values()}, reverse=True):
            group = [c for c in self._children.values() if c.spec.tier == tier]
            await asyncio.gather(*(self._stop(c, grace_s) for c in group))
        for child in self._children.values():
            if child.watcher is not None:
                await child.watcher
        self._write_pids()
        return {
            slug: child.process.returncode
            for slug, child in self._children.items()
            if child.process.returncode is not None
        }

    async def _stop(self, child: _Child, grace_s: float) -> None:
        process = child.process
        if process.returncode is not None:
            # Ended earlier (the watchdog saw it); its pid may belong to someone else by now.
            return
        ask_group_to_stop(process, self._platform)
        try:
            await asyncio.wait_for(process.wait(), grace_s)
        except TimeoutError:
            logger.warning("%s ignored SIGTERM for %.0fs; killing it", child.spec.label, grace_s)
        # Kill the group even after a clean exit: it also ends anything the child left.
        kill_group(process, self._platform)
        await process.wait()

    async def _watch(self, child: _Child) -> None:
        code = await child.process.wait()
        if child.process.stdin is not None:
            child.process.stdin.close()
        if self._stopping or self._failure.done() or child.killed_on_purpose:
            return
        self._failure.set_result(
            ChildExit(
                slug=child.spec.slug,
                label=child.spec.label,
                returncode=code,
                log_path=child.log_path,
                tail=read_tail(child.log_path),
            )
        )

    def _write_pids(self) -> None:
        # Tests read this to kill a child and to check that none is left behind.
        payload = {
            "launcher": os.getpid(),
            "children": {
                slug: {"pid": c.process.pid, "label": c.spec.label, "log": str(c.log_path)}
                for slug, c in self._children.items()
            },
        }
        temporary = self._pids_file.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self._pids_file)
