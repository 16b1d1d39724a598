"""The lecturer's controls with several centrals: each one killed and restarted alone, one outage over all."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from launcher.control.endpoint import Controls
from launcher.faults.central_switch import CentralSwitch
from launcher.faults.chaos import Chaos, ChaosTarget, Strike
from launcher.records.names import CENTRAL_SLUG
from launcher.records.outage import CHAOS, Outage
from launcher.records.snapshots import MonthFigures, MonthPhase
from launcher.screen.board import Board
from launcher.supervise.processes import ChildSpec, Supervisor
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from tests.helpers import eventually
from tests.integration.test_central_switch import HEALTH_SERVER

ROOT = Path(__file__).resolve().parents[2]
SLUGS = (CENTRAL_SLUG, "central-2")


@pytest.fixture
async def centrals(tmp_path: Path) -> AsyncIterator[tuple[Supervisor, list[str]]]:
    """Two stand-in centrals (real gRPC health servers), slugs ``central`` and ``central-2``."""
    supervisor = Supervisor(tmp_path, cwd=ROOT)
    addresses = []
    try:
        for slug in SLUGS:
            port = free_port()
            await supervisor.start(
                ChildSpec(slug, slug, (sys.executable, "-c", HEALTH_SERVER, str(port)), 0, {})
            )
            addresses.append(f"127.0.0.1:{port}")
        for address in addresses:
            await wait_until_serving(address, timeout_s=30)
        yield supervisor, addresses
    finally:
        await supervisor.stop_all(grace_s=1)


def test_the_outage_lasts_until_every_cause_has_ended() -> None:
    outage = Outage()
    outage.begin("central-2")
    outage.begin(CHAOS)
    outage.end(CHAOS)
    assert outage.ongoing and not outage.caused_by(CHAOS) and outage.caused_by("central-2")
    outage.end(CHAOS)  # an end without its begin changes nothing
    assert outage.ongoing
    outage.end("central-2")
    assert not outage.ongoing and outage.count == 2


async def test_each_central_is_killed_and_restarted_on_its_own(
    centrals: tuple[Supervisor, list[str]],
) -> None:
    supervisor, addresses = centrals
    board, outage = Board(), Outage()
    switches = [
        CentralSwitch(supervisor, board, outage, address, slug=slug, label=f"central {index + 1}")
        for index, (slug, address) in enumerate(zip(SLUGS, addresses, strict=True))
    ]
    controls = Controls(supervisor, {}, centrals=switches)
    try:
        assert [(n["slug"], n["label"], n["running"]) for n in controls.nodes()] == [
            (CENTRAL_SLUG, "central 1", True),
            ("central-2", "central 2", True),
        ]
        assert (await controls.act("central-2", "kill"))[0] == 200
        assert (await controls.act(CENTRAL_SLUG, "kill"))[0] == 200, "killed while another is down"
        assert [n["running"] for n in controls.nodes()] == [False, False]
        assert [f.node for f in board.faults] == ["central 2", "central 1"]

        assert (await controls.act("central-2", "restart"))[0] == 200
        await eventually(lambda: switches[1].state == "running", timeout_s=30)
        assert outage.ongoing, "central 1 is still down"
        assert (await controls.act(CENTRAL_SLUG, "restart"))[0] == 200
        await eventually(lambda: switches[0].state == "running", timeout_s=30)
        assert not outage.ongoing
        assert all(f.recovered_at is not None for f in board.faults)
        assert supervisor.restarts == {"central-2": 1, CENTRAL_SLUG: 1}
    finally:
        for switch in switches:
            await switch.close()


async def test_a_chaos_strike_on_a_central_the_lecturer_has_down_is_skipped(
    centrals: tuple[Supervisor, list[str]],
) -> None:
    supervisor, addresses = centrals
    board, outage = Board(), Outage()
    switch = CentralSwitch(supervisor, board, outage, addresses[0])
    strike = Strike(ChaosTarget("central", CENTRAL_SLUG, "central"), month=1, offset_s=0.0)
    chaos = Chaos([strike], supervisor, board, outage, addresses[0])
    try:
        assert (await switch.act("kill"))[0] == 200
        board.begin(backstop_s=10, expected_shoppers=0)
        board.update(open_month(), 1.0)  # the strike is due now

        await asyncio.wait_for(chaos.run(), 10)

        assert not chaos.pending and supervisor.restarts == {}, "chaos neither struck nor restarted it"
        assert outage.caused_by(CENTRAL_SLUG) and not outage.caused_by(CHAOS)
        assert (await switch.act("restart"))[0] == 200
        await eventually(lambda: not outage.ongoing, timeout_s=30)
    finally:
        await switch.close()


def open_month() -> MonthFigures:
    return MonthFigures(
        month=1,
        state=MonthPhase.OPEN,
        stock_lines=(),
        order_count=0,
        revenue_cents=0,
        skipped_manufacturers=(),
        finished_shoppers=0,
        unmet_demand=0,
        opened_at=None,
        closed_at=None,
        manufacturer_results=(),
        close_reason="",
        shopper_names=(),
    )
