"""The lecturer's kill, cut and latency through the controls become faults on the ticker and in the report."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from launcher.control.endpoint import Controls
from launcher.faults.lecturer import CUT, KILLED, SLOWED, LecturerFaults
from launcher.faults.link_controls import LinkControls
from launcher.report.sections import fault_lines
from launcher.screen.board import Board
from launcher.screen.ticker import Kind
from launcher.supervise.processes import ChildSpec, Supervisor
from nodekit.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SLUG, LABEL = "acme", "Acme Foods"
# A stand-in manufacturer: a real process the supervisor can kill and restart.
SLEEPER = "import time\nwhile True:\n    time.sleep(1)\n"


@pytest.fixture
async def controls(tmp_path: Path) -> AsyncIterator[tuple[Controls, Board]]:
    supervisor = Supervisor(tmp_path, cwd=ROOT)
    await supervisor.start(ChildSpec(SLUG, "manufacturer", (sys.executable, "-c", SLEEPER), 0, {}))
    links = LinkControls()
    # The relay needs no live upstream: nothing dials it here.
    await links.open(SLUG, LABEL, [f"127.0.0.1:{free_port()}"])
    board = Board()
    try:
        yield Controls(supervisor, {SLUG: LABEL}, links, faults=LecturerFaults(board)), board
    finally:
        await links.close()
        await supervisor.stop_all(grace_s=1)


def kinds(board: Board) -> list[tuple[str, str, bool]]:
    return [(f.node, f.kind, f.recovered_at is not None) for f in board.faults]


async def test_a_kill_and_its_restart_are_one_fault_recovered(controls: tuple[Controls, Board]) -> None:
    control, board = controls

    assert (await control.act(SLUG, "kill"))[0] == 200
    assert kinds(board) == [(LABEL, KILLED, False)]
    assert (await control.act(SLUG, "kill"))[0] == 409  # refused: no second fault
    assert (await control.act(SLUG, "restart"))[0] == 200

    assert kinds(board) == [(LABEL, KILLED, True)]
    texts = [(e.kind, e.text) for e in board.ticker.last(10)]
    assert (Kind.FAULT, f"SIGKILL {LABEL} (by the lecturer, between months)") in texts
    assert any(kind is Kind.RECOVERY and "restarted by the lecturer" in text for kind, text in texts)


async def test_a_cut_and_changed_latency_show_in_the_reports_faults(controls: tuple[Controls, Board]) -> None:
    control, board = controls

    assert (await control.act(SLUG, "cut"))[0] == 200
    assert (await control.act(SLUG, "latency", "200"))[0] == 200
    assert (await control.act(SLUG, "latency", "1000"))[0] == 200
    assert kinds(board) == [(LABEL, CUT, False), (LABEL, SLOWED, True), (LABEL, SLOWED, False)]
    assert (await control.act(SLUG, "latency", "nine"))[0] == 400  # refused: nothing recorded
    assert (await control.act(SLUG, "restore"))[0] == 200
    assert (await control.act(SLUG, "latency", "0"))[0] == 200

    assert kinds(board) == [(LABEL, CUT, True), (LABEL, SLOWED, True), (LABEL, SLOWED, True)]
    report = "\n".join(fault_lines(board.faults))
    assert "link cut" in report and "1000 ms added by the lecturer" in report
    assert "not recovered" not in report
