"""The launcher's composition root: start the children, drive the months, show them, report, stop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TextIO

from launcher.board import Board
from launcher.board import Cast as BoardCast
from launcher.cast import Cast, Member, Role, build_cast, central_argv, central_env, member_argv, member_env
from launcher.central_client import CentralClient
from launcher.central_switch import CentralSwitch
from launcher.chaos import Chaos, Target, plan_strikes
from launcher.control import Controls
from launcher.display import background, shown
from launcher.feed import follow_central
from launcher.join import JoinInfo, write_join, write_operator_key
from launcher.link_controls import Links
from launcher.loss_check import ACKS_DIR, ACKS_ENV, check_database, check_lines
from launcher.months import REPORTS_TIMEOUT_S, MonthPlan, run_month
from launcher.outage import Outage
from launcher.postgres import PostgresMissing, fresh_database, throwaway_postgres
from launcher.processes import ChildExit, ChildSpec, Supervisor
from launcher.report import RunInfo, write_reports
from launcher.settings import Settings, children_environment, parse_settings
from launcher.signals import StopSignals
from launcher.simulation_control import PaceChoice, SimulationControl
from launcher.snapshots import MonthRecord, compute_totals
from launcher.summary import month_summary, totals_summary
from launcher.tls_run import BY_HAND, LAUNCHER, WEB, RunTls, make_run_tls
from launcher.web import WebRun, start_web
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

    board: Board
    outage: Outage
    # Every manufacturer and branch reaches the centrals through its relay.
    links: Links = field(default_factory=Links)
    # On a terminal the month summaries wait until the dashboard has let go of the screen.
    held_lines: list[str] | None = None
    records: list[MonthRecord] = field(default_factory=list)

    @property
    def on_screen(self) -> bool:
        """True while the dashboard owns the terminal."""
        return self.held_lines is not None

    def say(self, out: TextIO, *lines: str) -> None:
        """Prints now, or after the dashboard when it shows."""
        if self.held_lines is None:
            _say(out, *lines)
        else:
            self.held_lines += lines


def _spec(member: Member, argv: Sequence[str], env: Mapping[str, str] | None = None) -> ChildSpec:
    label = member.name if member.role is Role.CENTRAL else f"{member.role.value} {member.name}"
    return ChildSpec(member.slug, label, tuple(argv), _TIERS[member.role], dict(env or {}))


def _say(out: TextIO, *lines: str) -> None:
    out.write("".join(f"{line}\n" for line in lines))
    out.flush()


def controllable(cast: Cast) -> dict[str, str]:
    """The nodes the lecturer's controls offer (slug -> label): manufacturers and branches."""
    return {m.slug: f"{m.role.value} {m.name}" for m in (*cast.manufacturers, *cast.branches)}


def _branch_db(settings: Settings, branch: Member) -> str:
    return str(settings.run_dir / f"{branch.slug}.sqlite3")


def _targets(cast: Cast) -> tuple[Target, list[Target], list[Target]]:
    def target(member: Member) -> Target:
        return Target(member.role.value, member.slug, member.name)

    return target(cast.central), [target(m) for m in cast.manufacturers], [target(b) for b in cast.branches]


async def _open_links(cast: Cast, links: Links, centrals: Sequence[str]) -> dict[str, str]:
    """A relay per manufacturer and branch; slug -> the address each child dials.

    Shoppers dial the centrals themselves: theirs is the bulk of the traffic, and carried
    through the launcher's own event loop it slows short months measurably.
    """
    dial = {member.slug: ",".join(centrals) for member in cast.customers}
    for member in (*cast.manufacturers, *cast.branches):
        dial[member.slug] = await links.open(member.slug, f"{member.role.value} {member.name}", centrals)
    return dial


async def _start_children(
    settings: Settings, cast: Cast, supervisor: Supervisor, dial: Mapping[str, str], tls: RunTls
) -> None:
    acks = settings.run_dir / ACKS_DIR
    acks.mkdir(parents=True, exist_ok=True)
    for member in cast.manufacturers:
        argv = member_argv(member, dial[member.slug]) + tls.client_args(member.slug)
        await supervisor.start(_spec(member, argv, member_env(member)))
    for member in cast.customers:
        env = {ACKS_ENV: str(acks / f"{member.slug}.txt")}
        argv = member_argv(member, dial[member.slug]) + tls.client_args(member.slug)
        await supervisor.start(_spec(member, argv, env))
    for branch in cast.branches:
        argv = member_argv(branch, dial[branch.slug], _branch_db(settings, branch)) + tls.client_args(
            branch.slug
        )
        await supervisor.start(_spec(branch, argv, member_env(branch)))


async def _start_centrals(settings: Settings, cast: Cast, supervisor: Supervisor, tls: RunTls) -> list[str]:
    """Starts the central processes on one database; returns their addresses once each serves."""
    addresses = []
    for index in range(settings.centrals):
        port = (settings.port if index == 0 else 0) or free_port()
        argv = central_argv(port, settings.db_url) + tls.server_args(index)
        spec = _spec(cast.central, argv, central_env(cast))
        if index:
            # The first keeps the slug "central" (chaos kills that one); the others are numbered.
            spec = replace(spec, slug=f"central-{index + 1}", label=f"central {index + 1}")
        await supervisor.start(spec)
        addresses.append(f"127.0.0.1:{port}")
    for address in addresses:
        await wait_until_serving(address, timeout_s=STARTUP_TIMEOUT_S, tls=tls.client(LAUNCHER))
    return addresses


async def _simulate(settings: Settings, cast: Cast, supervisor: Supervisor, run: _Run, out: TextIO) -> None:
    board = run.board
    tls = _run_tls(settings, cast)
    centrals = await _start_centrals(settings, cast, supervisor, tls)
    # Several centrals: the launcher and the web node spread their calls (gRPC's round_robin);
    # the other children's relays spread their connections.
    target = ",".join(centrals)
    dial = await _open_links(cast, run.links, centrals)
    client = CentralClient(target, cast.operator_key, run.outage, tls.client(LAUNCHER))
    pace = PaceChoice.starting(settings.tempo)
    switch = CentralSwitch(supervisor, board, run.outage, centrals[0], tls=tls.client(LAUNCHER))
    controls = Controls(
        supervisor, controllable(cast), run.links, switch, simulation=SimulationControl(client, pace)
    )
    web: WebRun | None = None
    try:
        if settings.web:
            # The web node and the endpoint of its lecturer's controls (nodes, pause, resume, pace).
            web = await start_web(
                supervisor,
                controls,
                target,
                cast.operator_key,
                settings.web_port,
                STARTUP_TIMEOUT_S,
                tls.client_args(WEB),
            )
        key_file = write_operator_key(settings.run_dir, cast.operator_key)
        join = JoinInfo(target, key_file, web.url if web else "", tls.client_args(BY_HAND))
        write_join(settings.run_dir, join)
        board.joined(join)
        # On a terminal the dashboard's header shows the same (and join.txt keeps it).
        if not run.on_screen:
            _say(out, f"central serving on {target}; logs in {settings.run_dir / 'logs'}", *join.lines())
        await _start_children(settings, cast, supervisor, dial, tls)
        board.children_started(len(supervisor.pids))
        async with background(follow_central(client, board, with_branches=bool(cast.branches))):
            await client.wait_for_manufacturers(
                [m.name for m in cast.manufacturers], timeout_s=STARTUP_TIMEOUT_S
            )
            if not run.on_screen:
                _say(
                    out,
                    f"{len(cast.manufacturers)} manufacturers connected, "
                    f"{len(cast.customers)} customers, {len(cast.branches)} branches started",
                )
            await _run_months(settings, cast, supervisor, run, client, target, out, pace, tls)
    finally:
        await client.close()
        await switch.close()
        if web is not None:
            await web.close()


async def _run_months(
    settings: Settings,
    cast: Cast,
    supervisor: Supervisor,
    run: _Run,
    client: CentralClient,
    target: str,
    out: TextIO,
    pace: PaceChoice,
    tls: RunTls,
) -> None:
    board = run.board
    plan = MonthPlan(settings.month_seconds, cast.shoppers, with_branches=bool(cast.branches))
    chaos = None
    if settings.chaos:
        central, makers, branches = _targets(cast)
        strikes = plan_strikes(
            settings.seed, settings.months, settings.month_seconds, central, makers, branches
        )
        chaos = Chaos(strikes, supervisor, board, run.outage, target, tls=tls.client(LAUNCHER))
    async with background(*([chaos.run()] if chaos else [])) as tasks:
        for _ in range(settings.months):
            # The lecturer may have chosen another pace: it applies from the month opened now.
            month_plan = replace(plan, month_seconds=pace.next_month().month_seconds)
            record = await run_month(client, month_plan, board)
            run.records.append(record)
            board.month_closed(record)
            summary = month_summary(record)
            # Below the dashboard's last frame, one line a month keeps that frame in view.
            run.say(out, *(summary[:1] if run.on_screen else [*summary, ""]))
        if chaos is not None:
            await chaos.settle(tasks[0])
            for strike in chaos.pending:
                logger.warning("chaos: %s was not killed, its month closed first", strike.target.name)
    # A link the lecturer left cut is restored: the last month's reports reach their manufacturers
    # (the loss check wants every notice acknowledged).
    restored = run.links.restore_all()
    if restored:
        logger.warning("restored the cut links of %s for the last reports", ", ".join(restored))
        await client.wait_for_reports_delivered(REPORTS_TIMEOUT_S)


def _run_tls(settings: Settings, cast: Cast) -> RunTls:
    """The run's certificates (``--tls``): one per child, the web node and the launcher itself."""
    if not settings.tls:
        return RunTls.plaintext()
    children = [m.slug for m in (*cast.manufacturers, *cast.customers, *cast.branches)]
    return make_run_tls(settings.run_dir, settings.centrals, children)


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
    on_terminal = not settings.quiet and out.isatty()
    if on_terminal:
        run.held_lines = []
    async with shown(run.board, out, dashboard=on_terminal):
        work = asyncio.create_task(_simulate(settings, cast, supervisor, run, out))
        failure = asyncio.create_task(supervisor.first_unexpected_exit())
        stop = asyncio.create_task(stops.wait())
        done, pending = await asyncio.wait({work, failure, stop}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    if run.held_lines:
        _say(out, *run.held_lines)
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


async def _loss_check(settings: Settings, cast: Cast, out: TextIO) -> bool:
    """Prints the end-of-run check of the databases; True if it passed (or cannot be run)."""
    branches = {b.name: settings.run_dir / f"{b.slug}.sqlite3" for b in cast.branches}
    checks = await asyncio.to_thread(check_database, settings.db_url, settings.run_dir, branches)
    if checks is None:
        _say(out, "Loss check: skipped, it reads SQLite and PostgreSQL and this run used another database")
        return True
    _say(out, *check_lines(checks))
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
            _say(out, f"PostgreSQL: a throwaway server for this run ({settings.centrals} central(s) on it)")
            return await _launch(replace(settings, db_url=db_url), out, err)
    except PostgresMissing as missing:
        _say(err, f"run.py: {missing}")
        return EXIT_FAILED


async def _launch(settings: Settings, out: TextIO, err: TextIO) -> int:
    _setup_logging(settings)
    cast = build_cast(
        settings.seed, settings.manufacturers, settings.customers, settings.branches, settings.tempo
    )
    started_at = datetime.now(UTC).isoformat()
    board = Board(
        BoardCast(
            manufacturers=tuple(m.name for m in cast.manufacturers),
            branches=tuple(b.name for b in cast.branches),
            customers=len(cast.customers),
            customer_names=tuple(c.name for c in cast.customers),
            months=settings.months,
        )
    )
    run = _Run(board, Outage())
    supervisor = Supervisor(settings.run_dir, cwd=settings.node_root, env=children_environment(os.environ))
    _say(out, f"run dir {settings.run_dir} (seed {settings.seed})" + (", chaos on" if settings.chaos else ""))
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
            if code == EXIT_OK:
                _say(out, *totals_summary(compute_totals(run.records)))
            _say(out, "report: " + ", ".join(str(p) for p in paths))
        finally:
            # Also after an unexpected exception: no child may outlive the launcher.
            codes = await supervisor.stop_all()
            # After the children: none of them loses its link while it stops.
            await run.links.close()
        unclean = {slug: rc for slug, rc in codes.items() if rc not in (0, -signal.SIGTERM)}
        _say(
            out,
            f"stopped {len(codes)} processes" + (f"; unclean exits: {unclean}" if unclean else ""),
        )
    # Read once every process has stopped: the databases hold all they will ever hold.
    if code == EXIT_OK and not await _loss_check(settings, cast, out):
        code = EXIT_FAILED
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``python run.py [flags]``."""
    settings = parse_settings(argv)
    try:
        return asyncio.run(launch(settings))
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were installed
        return 128 + signal.SIGINT.value
