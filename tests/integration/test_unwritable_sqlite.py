"""A central on SQLite whose file cannot be written: UNAVAILABLE, NOT_SERVING, nothing acknowledged lost.

The file becomes unwritable the way a full disk makes it: the central's file size
limit (RLIMIT_FSIZE, set from outside with prlimit) drops to one byte, so every
write the process makes fails with EFBIG, as past the end of a full disk. Its
log goes through a pipe to this test, which the limit does not touch.
"""

from __future__ import annotations

import asyncio
import resource
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from generated.distribution.v1 import common_pb2, month_pb2, order_pb2
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from nodekit.status import from_rpc_error
from tests.helpers import Stubs, assert_eventually
from tests.processes import ROOT, node_env, stop_async
from tests.several_centrals_calls import CALL_S, Metadata, add_request, register

OPERATOR_KEY = "unwritable-sqlite-operator-key"
BUYERS = 4
UNWRITABLE_S = 3.0
WITHIN_S = 10.0
RETRY_PAUSE_S = 0.05

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prlimit of another process")


async def copy_lines(pipe: asyncio.StreamReader, log_path: Path) -> None:
    with log_path.open("ab") as log:
        while line := await pipe.readline():
            log.write(line)
            log.flush()


async def open_month(stubs: Stubs, operator: Metadata, lines: dict[str, int]) -> list[int]:
    opened = await stubs.months.OpenMonth(
        month_pb2.OpenMonthRequest(offer_deadline_ms=1), metadata=operator, timeout=CALL_S
    )
    offered = [common_pb2.OfferLine(product=p, quantity=q, unit_price_cents=250) for p, q in lines.items()]
    reply = await stubs.months.SubmitOffer(
        month_pb2.SubmitOfferRequest(manufacturer_name="Acme", month=opened.month, lines=offered),
        metadata=operator,
        timeout=CALL_S,
    )
    return [line.stock_line_id for line in reply.stock_lines]


async def health(stub: health_pb2_grpc.HealthStub) -> str:
    try:
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1.0)
    except grpc.aio.AioRpcError as error:
        return error.code().name
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


async def test_central_on_an_unwritable_sqlite_file(tmp_path: Path) -> None:
    db, log_path, port = tmp_path / "central.sqlite3", tmp_path / "central.log", free_port()
    command = [
        sys.executable,
        "-m",
        "central",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(db),
        "--operator-key",
        OPERATOR_KEY,
    ]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=node_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    copier = asyncio.create_task(copy_lines(process.stdout, log_path))
    seen: Counter[str] = Counter()
    messages: set[str] = set()
    acknowledged: list[str] = []
    running = True
    try:
        await wait_until_serving(f"127.0.0.1:{port}", 30)
        async with open_channel(f"127.0.0.1:{port}") as channel:
            stubs, probe = Stubs.on(channel), health_pb2_grpc.HealthStub(channel)
            operator = bearer_metadata(OPERATOR_KEY)
            lines = await open_month(stubs, operator, {f"line-{i}": 1_000_000 for i in range(3)})
            buyers = [await register(stubs, f"buyer-{i}") for i in range(BUYERS)]

            async def buyer(index: int) -> None:
                turn, who = 0, buyers[index]
                while running:
                    turn += 1
                    try:
                        line = lines[turn % len(lines)]
                        await stubs.cart.AddCartItem(add_request(line), metadata=who, timeout=CALL_S)
                        reply = await stubs.orders.Checkout(
                            order_pb2.CheckoutRequest(idempotency_key=f"unwritable-{index}-{turn}"),
                            metadata=who,
                            timeout=CALL_S,
                        )
                    except grpc.aio.AioRpcError as error:
                        seen[f"{error.code().name}/{from_rpc_error(error).reason}"] += 1
                        messages.add(f"{error.code().name}: {error.details()}")
                        await asyncio.sleep(RETRY_PAUSE_S)
                        continue
                    seen["OK"] += 1
                    acknowledged.append(reply.order.order_id)

            tasks = [asyncio.create_task(buyer(i)) for i in range(BUYERS)]
            try:
                await assert_eventually(_more(acknowledged, 0), timeout_s=WITHIN_S)
                soft, hard = resource.prlimit(process.pid, resource.RLIMIT_FSIZE)
                start = time.monotonic()
                resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (1, hard))
                try:
                    await assert_eventually(_says(probe, "NOT_SERVING"), timeout_s=WITHIN_S, interval_s=0.05)
                    not_serving_after = time.monotonic() - start
                    # How long the file stays unwritable is the scenario itself.
                    await asyncio.sleep(max(0.0, UNWRITABLE_S - (time.monotonic() - start)))
                finally:
                    resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (soft, hard))
                back = time.monotonic()
                await assert_eventually(_says(probe, "SERVING"), timeout_s=WITHIN_S, interval_s=0.05)
                serving_after = time.monotonic() - back
                await assert_eventually(_more(acknowledged, len(acknowledged)), timeout_s=WITHIN_S)
            finally:
                running = False
                await asyncio.gather(*tasks)
        print(f"NOT_SERVING after {not_serving_after:.2f}s, SERVING {serving_after:.2f}s after; {dict(seen)}")
    finally:
        await stop_async(process)
        await copier
    assert process.returncode == 0, log_path.read_text()
    broken = {key: n for key, n in seen.items() if key.split("/")[0] in {"INTERNAL", "UNKNOWN"}}
    assert not broken, f"{broken}: {sorted(messages)}"
    assert seen["UNAVAILABLE/DATABASE_UNAVAILABLE"] > 0, dict(seen)
    log = log_path.read_text()
    assert "Traceback" not in log, log[-4000:]
    assert log.count("database unavailable") == 1, log[-4000:]
    assert log.count("database back after") == 1, log[-4000:]
    with sqlite3.connect(db) as check:
        stored = {row[0] for row in check.execute("SELECT order_id FROM orders")}
        bad = check.execute(
            "SELECT stock_line_id FROM stock_lines"
            " WHERE reserved < 0 OR sold < 0 OR reserved + sold > offered"
        ).fetchall()
    assert not [order for order in acknowledged if order not in stored]
    assert not bad


def _more(acknowledged: list[str], than: int):  # type: ignore[no-untyped-def]
    async def check() -> None:
        assert len(acknowledged) > than

    return check


def _says(stub: health_pb2_grpc.HealthStub, status: str):  # type: ignore[no-untyped-def]
    async def check() -> None:
        assert await health(stub) == status

    return check
