"""The launcher's control endpoint over real HTTP: pause and resume reach the central; pace waits a month."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from central.testing import RunningCentral, running_central
from generated.distribution.v1 import month_pb2
from launcher.control.endpoint import Controls, serve_controls
from launcher.control.simulation import PaceChoice, SimulationControl
from launcher.months.central_client import OperatorClient
from launcher.records.pace import pace_for
from launcher.supervise.processes import Supervisor
from tests.helpers import TIMEOUT, Stubs, status
from web_node.control import ControlClient

TOKEN = "simulation-control-token"


@pytest.fixture
async def central() -> AsyncIterator[RunningCentral]:
    async with running_central() as running:
        yield running


async def test_pause_resume_and_pace_through_the_endpoint(central: RunningCentral, tmp_path: Path) -> None:
    client = OperatorClient(central.address, central.operator_token)
    pace = PaceChoice.starting(pace_for("normal"))
    controls = Controls(Supervisor(tmp_path, cwd=tmp_path), {}, simulation=SimulationControl(client, pace))
    server = await serve_controls(controls, TOKEN)
    port = server.port
    web = ControlClient(f"http://127.0.0.1:{port}", TOKEN)
    stubs = Stubs.on(central.channel)
    try:
        code, reply = await web.request("POST", "/simulation/pause")
        assert (code, reply["reason"]) == (409, "MONTH_NOT_OPEN")
        await stubs.months.OpenMonth(
            month_pb2.OpenMonthRequest(offer_deadline_ms=1),
            metadata=central.operator_metadata,
            timeout=TIMEOUT,
        )
        code, reply = await web.request("POST", "/simulation/pause")
        assert (code, reply["month"], reply["paused"]) == (200, 1, True)
        assert (await status(central, stubs)).paused
        code, reply = await web.request("POST", "/simulation/pause")
        assert (code, reply["error"]) == (409, "Month 1 is paused already.")
        code, reply = await web.request("POST", "/simulation/resume")
        assert (code, reply["paused"]) == (200, False)
        assert not (await status(central, stubs)).paused

        code, reply = await web.request("POST", "/simulation/pace/slow")
        assert (code, reply["pace"], reply["next_pace"], reply["next_month_seconds"]) == (
            200,
            "normal",
            "slow",
            60,
        )
        assert pace.next_month().month_seconds == 60
        code, reply = await web.request("GET", "/simulation")
        assert (code, reply["pace"], reply["month_seconds"]) == (200, "slow", 60)
        code, reply = await web.request("POST", "/simulation/pace/ludicrous")
        assert code == 400 and "brisk, normal, slow" in str(reply["error"])
        code, _ = await ControlClient(f"http://127.0.0.1:{port}", "wrong").request(
            "POST", "/simulation/pause"
        )
        assert code == 401
    finally:
        await server.close()
        await client.close()
