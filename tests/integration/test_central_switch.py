"""The lecturer's kill and restart of the central: the outage spans exactly the time it is not SERVING."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from launcher.faults.central_switch import CentralSwitch
from launcher.records.names import CENTRAL_SLUG
from launcher.records.outage import Outage
from launcher.screen.board import Board
from launcher.supervise.processes import ChildSpec, Supervisor
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from tests.helpers import eventually

ROOT = Path(__file__).resolve().parents[2]
# A stand-in central: a real gRPC server with the health service, SERVING on a fixed port.
HEALTH_SERVER = """
import asyncio, sys
import grpc
from nodekit.health import add_health, set_serving

async def main() -> None:
    server = grpc.aio.server()
    health = add_health(server)
    server.add_insecure_port(f"127.0.0.1:{sys.argv[1]}")
    await server.start()
    await set_serving(health, True)
    print("ready", flush=True)
    await server.wait_for_termination()

asyncio.run(main())
"""


@pytest.fixture
async def central(tmp_path: Path) -> AsyncIterator[tuple[Supervisor, str]]:
    supervisor = Supervisor(tmp_path, cwd=ROOT)
    port = free_port()
    argv = (sys.executable, "-c", HEALTH_SERVER, str(port))
    await supervisor.start(ChildSpec(CENTRAL_SLUG, "central", argv, 0, {}))
    address = f"127.0.0.1:{port}"
    try:
        await wait_until_serving(address, timeout_s=30)
        yield supervisor, address
    finally:
        await supervisor.stop_all(grace_s=1)


async def test_a_kill_opens_the_outage_and_the_restart_closes_it_once_serving(
    central: tuple[Supervisor, str],
) -> None:
    supervisor, address = central
    board, outage = Board(), Outage()
    switch = CentralSwitch(supervisor, board, outage, address)
    try:
        assert await switch.act("kill") == (200, {})
        assert outage.ongoing and board.central_up is False
        assert switch.state == "down" and switch.node()["running"] is False
        assert [f.recovered_at for f in board.faults] == [None]
        assert (await switch.act("kill"))[0] == 409, "killed twice"

        assert await switch.act("restart") == (200, {})
        await eventually(lambda: switch.state == "running", timeout_s=30)
        assert not outage.ongoing and board.central_up is True
        assert board.faults[0].recovered_at is not None
        assert supervisor.restarts == {CENTRAL_SLUG: 1}
        assert (await switch.act("restart"))[0] == 409, "running already"
    finally:
        await switch.close()


async def test_a_central_down_for_a_chaos_strike_is_not_killed_again(central: tuple[Supervisor, str]) -> None:
    supervisor, address = central
    outage = Outage()
    switch = CentralSwitch(supervisor, Board(), outage, address)
    outage.begin()
    status, reply = await switch.act("kill")
    assert status == 409 and "chaos" in str(reply["error"])
    assert outage.ongoing, "the strike's outage stays open"
    assert (await switch.act("jump"))[0] == 404


async def test_the_outage_begins_only_between_the_month_drivers_writes() -> None:
    outage = Outage()
    with outage.writing():
        begun = asyncio.create_task(outage.begin_between_writes(CENTRAL_SLUG))
        await asyncio.sleep(0)
        assert not outage.ongoing, "a write in flight holds the kill back"
    await asyncio.wait_for(begun, 5)
    assert outage.ongoing
