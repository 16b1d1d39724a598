"""The launcher's composition root: start the children, drive the months, show them, report, stop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TextIO

from launcher.postgres.server import PostgresUnavailable, fresh_database, throwaway_postgres
from launcher.records.outage import Outage
from launcher.records.snapshots import compute_totals
from launcher.report.loss_check import check_database, check_lines
from launcher.report.summary import totals_summary
from launcher.report.writer import RunInfo, write_reports
from launcher.screen.board import Board, Roster
from launcher.screen.display import shown
from launcher.settings import Settings, parse_settings
from launcher.simulation import RunState, say, simulate
from launcher.supervise.cast import Cast, build_cast
from launcher.supervise.environment import children_environment
from launcher.supervise.metrics_targets import MetricsTargets
from launcher.supervise.processes import ChildExit, Supervisor
from launcher.supervise.signals import StopSignals

logger = logging.getLogger("launcher")

# How long a failed step waits for the watchdog: a dead child usually explains the error.
BLAME_WINDOW_S = 2.0
EXIT_OK, EXIT_FAILED = 0, 1


def _print_failure(failure: ChildExit, err: TextIO) -> None:
    say(err, f"FAILED: {failure.describe()}", f"last lines of {failure.log_path}:")
    say(err, *(f"  | {line}" for line in failure.tail or ("(empty log)",)))


async def _race(
    settings: Settings,
    cast: Cast,
    supervisor: Supervisor,
    stops: StopSignals,
    run: RunState,
    out: TextIO,
    err: TextIO,
) -> tuple[int, str]:
    """Runs the simulation against the watchdog and the stop signals; first one wins."""
    on_terminal = not settings.quiet and out.isatty()
    if on_terminal:
        run.held_lines = []
    async with shown(run.board, out, dashboard=on_terminal):
        work = asyncio.create_task(simulate(settings, cast, supervisor, run, out))
        failure = asyncio.create_task(supervisor.first_unexpected_exit())
        stop = asyncio.create_task(stops.wait())
        done, pending = await asyncio.wait({work, failure, stop}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    if run.held_lines:
        say(out, *run.held_lines)
    if stop in done:
        sig = stop.result()
        say(err, f"interrupted by {sig.name}; stopping every process")
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
        say(err, f"FAILED: {type(error).__name__}: {error}")
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


async def _loss_check(settings: Settings, cast: Cast, out: TextIO) -> bool:
    """Prints the end-of-run check of the databases; True if it passed (or cannot be run)."""
    branches = {b.name: settings.run_dir / f"{b.slug}.sqlite3" for b in cast.branches}
    checks = await asyncio.to_thread(check_database, settings.db_url, settings.run_dir, branches)
    if checks is None:
        say(out, "Loss check: skipped, it reads SQLite and PostgreSQL and this run used another database")
        return True
    say(out, *check_lines(checks))
    return all(check.ok for check in checks)


async def launch(settings: Settings, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Runs one simulation; returns the process exit code (0 when every month ran and nothing was lost)."""
    out = out or sys.stdout
    err = err or sys.stderr
    if not settings.postgres:
        return await _launch(settings, out, err)
    try:
        with throwaway_postgres() as admin_url:
            db_url = await fresh_database(admin_url, "distribution")
            say(out, f"PostgreSQL: a throwaway server for this run ({settings.centrals} central(s) on it)")
            return await _launch(replace(settings, db_url=db_url), out, err)
    except PostgresUnavailable as unavailable:
        say(err, f"run.py: {unavailable}")
        return EXIT_FAILED


async def _launch(settings: Settings, out: TextIO, err: TextIO) -> int:
    _setup_logging(settings)
    cast = build_cast(
        settings.seed, settings.manufacturers, settings.customers, settings.branches, settings.tempo
    )
    started_at = datetime.now(UTC).isoformat()
    board = Board(
        Roster(
            manufacturers=tuple(m.name for m in cast.manufacturers),
            branches=tuple(b.name for b in cast.branches),
            customers=len(cast.customers),
            customer_names=tuple(c.name for c in cast.customers),
            months=settings.months,
        )
    )
    run = RunState(board, Outage())
    supervisor = Supervisor(
        settings.run_dir,
        cwd=settings.node_root,
        env=children_environment(os.environ),
        metrics=MetricsTargets() if settings.metrics else None,
    )
    say(out, f"run dir {settings.run_dir} (seed {settings.seed})" + (", chaos on" if settings.chaos else ""))
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
            paths = write_reports(settings.run_dir, info, run.records, faults=board.faults)
            interrupted = outcome.startswith("interrupted")
            if code == EXIT_OK or (interrupted and run.records):
                if interrupted:
                    say(out, f"Interrupted: totals of the {len(run.records)} month(s) closed before it")
                say(out, *totals_summary(compute_totals(run.records)))
            say(out, "report: " + ", ".join(str(p) for p in paths))
        finally:
            # Also after an unexpected exception: no child may outlive the launcher.
            codes = await supervisor.stop_all()
            # After the children: none of them loses its link while it stops.
            await run.links.close()
        unclean = {slug: rc for slug, rc in codes.items() if rc not in (0, -signal.SIGTERM)}
        say(
            out,
            f"stopped {len(codes)} processes" + (f"; unclean exits: {unclean}" if unclean else ""),
        )
    # Read once every process has stopped: the databases hold all they will ever hold.
    if code == EXIT_OK and not await _loss_check(settings, cast, out):
        code = EXIT_FAILED
    elif interrupted:
        # Ctrl-C keeps its exit code; what was acknowledged before it must still be there.
        await _loss_check(settings, cast, out)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``python run.py [flags]``."""
    settings = parse_settings(argv)
    try:
        return asyncio.run(launch(settings))
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were installed
        return 128 + signal.SIGINT.value
