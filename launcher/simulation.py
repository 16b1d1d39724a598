"""The run's simulation: start the centrals, relays and children, follow them, drive the months."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from launcher.control.endpoint import Controls
from launcher.control.simulation import PaceChoice, SimulationControl
from launcher.control.web import WebRun, start_web
from launcher.faults.central_switch import CentralSwitch
from launcher.faults.chaos import Chaos, ChaosTarget, plan_strikes
from launcher.faults.lecturer import CUT, LecturerFaults
from launcher.faults.link_controls import LinkControls, open_links
from launcher.months.central_client import OperatorClient
from launcher.months.centrals_health import follow_centrals
from launcher.months.driver import REPORTS_TIMEOUT_S, MonthPlan, run_month
from launcher.months.feed import follow_central
from launcher.records.names import central_label, central_slug
from launcher.records.outage import Outage
from launcher.records.snapshots import MonthRecord
from launcher.report.summary import month_summary
from launcher.room.card import plan_room
from launcher.room.join import write_join, write_operator_key
from launcher.room.wheel import build_wheel
from launcher.screen.board import Board
from launcher.screen.display import background
from launcher.settings import Settings
from launcher.supervise.cast import Cast, Member
from launcher.supervise.processes import Supervisor
from launcher.supervise.starting import (
    STARTUP_TIMEOUT_S,
    controllable,
    run_tls,
    start_centrals,
    start_children,
)
from launcher.supervise.tls import LAUNCHER, RunTls
from nodekit.ports import free_port

logger = logging.getLogger("launcher")


@dataclass(slots=True)
class RunState:
    """What the simulation has produced so far, kept for a partial report on failure."""

    board: Board
    outage: Outage
    # Every manufacturer and branch reaches the centrals through its relay.
    links: LinkControls = field(default_factory=LinkControls)
    # On a terminal the month summaries wait until the dashboard has let go of the screen.
    held_lines: list[str] | None = None
    records: list[MonthRecord] = field(default_factory=list)
    # The lecturer's kills, cuts and latency as faults on the board (set once the board exists).
    lecturer: LecturerFaults | None = None

    @property
    def on_screen(self) -> bool:
        """True while the dashboard owns the terminal."""
        return self.held_lines is not None

    def say(self, out: TextIO, *lines: str) -> None:
        """Prints now, or after the dashboard when it shows."""
        if self.held_lines is None:
            say(out, *lines)
        else:
            self.held_lines += lines


def say(out: TextIO, *lines: str) -> None:
    """Writes ``lines`` to ``out`` at once."""
    out.write("".join(f"{line}\n" for line in lines))
    out.flush()


def _targets(cast: Cast) -> tuple[ChaosTarget, list[ChaosTarget], list[ChaosTarget]]:
    def target(member: Member) -> ChaosTarget:
        return ChaosTarget(member.role.value, member.slug, member.name)

    return target(cast.central), [target(m) for m in cast.manufacturers], [target(b) for b in cast.branches]


async def simulate(
    settings: Settings, cast: Cast, supervisor: Supervisor, run: RunState, out: TextIO
) -> None:
    """Starts the network, follows it on the board, runs the months; the watchdog races it."""
    board = run.board
    tls = run_tls(settings, cast)
    centrals = await start_centrals(settings, cast, supervisor, tls)
    # Several centrals: the launcher and the web node spread their calls (gRPC's round_robin);
    # the other children's relays spread their connections.
    target = ",".join(centrals)
    dial = await open_links(cast, run.links, centrals)
    client = OperatorClient(target, cast.operator_key, run.outage, tls.client(LAUNCHER))
    pace = PaceChoice.starting(settings.tempo)
    switches = [
        CentralSwitch(
            supervisor,
            board,
            run.outage,
            address,
            tls=tls.client(LAUNCHER),
            slug=central_slug(index),
            label=central_label(index, len(centrals)),
        )
        for index, address in enumerate(centrals)
    ]
    run.lecturer = LecturerFaults(board)
    simulation = SimulationControl(client, pace)
    controls = Controls(
        supervisor, controllable(cast), run.links, switches, simulation=simulation, faults=run.lecturer
    )
    web: WebRun | None = None
    key_file = write_operator_key(settings.run_dir, cast.operator_key)
    web_port = (settings.web_port or free_port()) if settings.web else 0
    room = plan_room(settings, centrals, web_port, key_file, tls)
    join = room.card
    wheel: asyncio.Task[Path | None] | None = None
    try:
        if room.wheel_dir is not None:
            # Built while the network starts; the web node answers "try again" until it is there.
            wheel = asyncio.create_task(build_wheel(settings.node_root, room.wheel_dir))
        if settings.web:
            # The web node and the endpoint of its lecturer's controls (nodes, pause, resume, pace).
            web = await start_web(
                supervisor,
                controls,
                target,
                cast.operator_key,
                web_port,
                STARTUP_TIMEOUT_S,
                tls.web_args(),
                settings.host,
                room.web_env,
            )
        write_join(settings.run_dir, join)
        board.joined(join)
        # On a terminal the dashboard's header shows the same (and join.txt keeps it).
        if not run.on_screen:
            say(out, f"central serving on {target}; logs in {settings.run_dir / 'logs'}", *join.lines())
        await start_children(settings, cast, supervisor, dial, tls)
        if supervisor.metrics is not None:
            supervisor.metrics.write(settings.run_dir)
        board.children_started(len(supervisor.pids))
        feeds = [follow_central(client, board, with_branches=bool(cast.branches))]
        if len(centrals) > 1:
            feeds.append(follow_centrals(centrals, board, tls.client(LAUNCHER)))
        async with background(*feeds):
            await client.wait_for_manufacturers(
                [m.name for m in cast.manufacturers], timeout_s=STARTUP_TIMEOUT_S
            )
            if not run.on_screen:
                say(
                    out,
                    f"{len(cast.manufacturers)} manufacturers connected, "
                    f"{len(cast.customers)} customers, {len(cast.branches)} branches started",
                )
            await _run_months(settings, cast, supervisor, run, client, target, out, pace, tls)
    finally:
        if wheel is not None:
            wheel.cancel()
            await asyncio.gather(wheel, return_exceptions=True)
        await client.close()
        for switch in switches:
            await switch.close()
        if web is not None:
            await web.close()


async def _run_months(
    settings: Settings,
    cast: Cast,
    supervisor: Supervisor,
    run: RunState,
    client: OperatorClient,
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
    if run.lecturer is not None:
        for label in restored:
            run.lecturer.ended(label, CUT, "restored for the last reports")
    if restored:
        logger.warning("restored the cut links of %s for the last reports", ", ".join(restored))
        await client.wait_for_reports_delivered(REPORTS_TIMEOUT_S)
