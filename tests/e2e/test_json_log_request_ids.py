"""A real central with --log-format json: the line a call logs carries that call's own request id."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest

from generated.distribution.v1 import customer_pb2, customer_pb2_grpc
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from tests.processes import node_process, stop

pytestmark = pytest.mark.e2e


async def test_each_bad_call_logs_one_line_under_its_own_request_id(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    args = ["--port", address.rsplit(":", 1)[1], "--log-format", "json"]
    args += ["--db", f"sqlite+aiosqlite:///{tmp_path / 'central.sqlite3'}"]
    log = tmp_path / "central.log"
    with node_process(
        "central", args, log, {"DISTRIBUTION_OPERATOR_KEY": "operator-key-for-tests"}
    ) as central:
        await wait_until_serving(address, timeout_s=60)
        async with grpc.aio.insecure_channel(address) as channel:
            customers = customer_pb2_grpc.CustomerServiceStub(channel)
            for _ in range(2):
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await customers.RegisterCustomer(customer_pb2.RegisterCustomerRequest(), timeout=10)
                assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert stop(central, timeout_s=30) == 0
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    refusals = [line for line in lines if "refused bad input" in line["message"]]
    assert len(refusals) == 2, lines
    ids = [line.get("request_id", "") for line in refusals]
    # Each call its own id; a line logged outside any call (startup) has none.
    assert all(len(request_id) == 16 for request_id in ids) and ids[0] != ids[1]
    (serving,) = [line for line in lines if " SERVING on " in line["message"]]
    assert "request_id" not in serving
