"""The launcher's composition root: start the children, drive the months, report, stop."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from launcher.cast import Cast, Member, Role, build_cast, central_argv, member_argv
from launcher.central_client import CentralClient
from launcher.months import MonthPlan, run_month
from launcher.processes import ChildExit, ChildSpec, Supervisor
from launcher.progress import LiveProgress
from launcher.report import RunInfo, write_reports
from launcher.settings import Settings, parse_settings
from launcher.signals import StopSignals
from launcher.snapshots import MonthRecord, compute_totals
from launcher.summary import month_summary, totals_summary
from nodekit.health import wait_until_serving
from nodekit.ports import free_port

logger = logging.getLogger("launcher")

STARTUP_TIMEOUT_S = 30.0
# How long a failed step waits for the watchdog: a dead child usually explains the error.
BLAME_WINDOW_S = 2.0
EXIT_OK, EXIT_FAILED = 0, 1
# Stop order: shoppers first, then manufacturers, the central last.
_TIERS = {Role.CENTRAL: 0, Role.MANUFACTURER: 1, Role.CUSTOMER: 2, Role.BRANCH: 2}


@dataclass(slots=True)
class _Run:
    """What the simulation has produced so far, kept for a partial report on failure."""

    records: list[MonthRecord] = field(default_factory=list)


def _spec(member: Member, argv: Sequence[str]) -> ChildSpec:
    label = member.name if member.role is Role.CENTRAL else f"{member.role.value} {member.name}"
    return ChildSpec(member.slug, label, tuple(argv), _TIERS[member.role])


def _say(out: TextIO, *lines: str) -> None:
    out.write("".join(f"{line}\n" for line in lines))
    out.flush()


async def _simulate(settings: Settings, cast: Cast, supervisor: Supervisor, run: _Run, out: TextIO) -> None:
    port = free_port()
    target = f"127.0.0.1:{port}"
    await supervisor.start(_spec(cast.central, central_argv(cast, port, settings.db_url)))
    await wait_until_serving(target, timeout_s=STARTUP_TIMEOUT_S)
    _say(out, f"central serving on {target}; logs in {settings.run_dir / 'logs'}")
    for member in (*cast.manufacturers, *cast.customers):
        await supervisor.start(_spec(member, member_argv(member, target)))
    for branch in cast.branches:
        branch_db = str(settings.run_dir / f"{branch.slug}.sqlite3")
        await supervisor.start(_spec(branch, member_argv(branch, target, branch_db)))
    client = CentralClient(target, cast.operator_key)
    try:
        await client.wait_for_manufacturers([m.name for m in cast.manufacturers], timeout_s=STARTUP_TIMEOUT_S)
        _say(
            out,
            f"{len(cast.manufacturers)} manufacturers connected, "
            f"{len(cast.customers)} customers, {len(cast.branches)} branches started",
        )
        plan = MonthPlan(settings.month_seconds, cast.shoppers, with_branches=bool(cast.branches))
        view = LiveProgress(out, quiet=settings.quiet)
        for _ in range(settings.months):
            record = await run_month(client, plan, view)
            run.records.append(record)
            _say(out, *month_summary(record), "")
    finally:
        await client.close()


def _print_failure(failure: ChildExit, err: TextIO) -> None:
    _say(err, f"FAILED: {failure.describe()}", f"last lines of {failure.log_path}:")
    _say(err, *(f"  | {line}" for line in failure.tail or ("(empty log)",)))


async def _race(
    settings: Settings,
    cast: Cast,
    supervisor: Supervisor,
    stops: StopSignals,
    run: _Run,
    out: TextIO,
    err: TextIO,
) -> tuple[int, str]:
    """Runs the simulation against the watchdog and the stop signals; first one wins."""
    work = asyncio.create_task(_simulate(settings, cast, supervisor, run, out))
    failure = asyncio.create_task(supervisor.first_unexpected_exit())
    stop = asyncio.create_task(stops.wait())
    done, pending = await asyncio.wait({work, failure, stop}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if stop in done:
        sig = stop.result()
        _say(err, f"interrupted by {sig.name}; stopping every process")
        return 128 + sig.value, f"interrupted by {sig.name}"
    if failure in done:
        _print_failure(failure.result(), err)
        return EXIT_FAILED, f"failed: {failure.result().describe()}"
    error = work.exception()
    if error is None:
        return EXIT_OK, "completed"
    # An RPC error is usually the symptom of a child that just died: name the child.
    try:
        dead = await asyncio.wait_for(supervisor.first_unexpected_exit(), BLAME_WINDOW_S)
    except TimeoutError:
        logger.error("simulation failed", exc_info=error)
        _say(err, f"FAILED: {type(error).__name__}: {error}")
        return EXIT_FAILED, f"failed: {type(error).__name__}: {error}"
    _print_failure(dead, err)
    return EXIT_FAILED, f"failed: {dead.describe()}"


def _setup_logging(settings: Settings) -> None:
    logs = settings.run_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    file_handler = logging.FileHandler(logs / "launcher.log", encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s launcher %(levelname)s %(name)s: %(message)s"))
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    logging.basicConfig(level=logging.INFO, handlers=[file_handler, console], force=True)


async def launch(settings: Settings, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Runs one simulation; returns the process exit code (0 when every month ran)."""
    out = out or sys.stdout
    err = err or sys.stderr
    _setup_logging(settings)
    cast = build_cast(
        settings.seed, settings.manufacturers, settings.customers, settings.branches, settings.tempo
    )
    started_at = datetime.now(UTC).isoformat()
    run = _Run()
    supervisor = Supervisor(settings.run_dir, cwd=settings.node_root)
    _say(out, f"run dir {settings.run_dir} (seed {settings.seed})")
    with StopSignals() as stops:
        try:
            code, outcome = await _race(settings, cast, supervisor, stops, run, out, err)
            info = RunInfo(
                config=settings.to_json(),
                manufacturers=tuple(m.name for m in cast.manufacturers),
                customers=tuple(c.name for c in cast.customers),
                branches=tuple(b.name for b in cast.branches),
                started_at=started_at,
                finished_at=datetime.now(UTC).isoformat(),
                outcome=outcome,
            )
            paths = write_reports(settings.run_dir, info, run.records)
            if code == EXIT_OK:
                _say(out, *totals_summary(compute_totals(run.records)))
            _say(out, "report: " + ", ".join(str(p) for p in paths))
        finally:
            # Also after an unexpected exception: no child may outlive the launcher.
            codes = await supervisor.stop_all()
        unclean = {slug: rc for slug, rc in codes.items() if rc not in (0, -signal.SIGTERM)}
        _say(
            out,
            f"stopped {len(codes)} processes" + (f"; unclean exits: {unclean}" if unclean else ""),
        )
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``python run.py [flags]``."""
    settings = parse_settings(argv)
    try:
        return asyncio.run(launch(settings))
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were installed
        return 128 + signal.SIGINT.value
