"""Stopping a real central process under 64 callers, again and again: no call is cut.

A call already running when SIGTERM or Ctrl-C (SIGINT) arrives is answered; only calls that
arrive after the drain began are refused UNAVAILABLE; nothing ends CANCELLED; the node exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import grpc
import pytest

from generated.distribution.v1 import cart_pb2
from nodekit.channel import open_channel
from nodekit.health import wait_until_serving
from tests.helpers import Stubs, assert_eventually, open_month_with, register
from tests.processes import central_address, node_process

pytestmark = pytest.mark.e2e

OPERATOR_KEY = "drain-operator-key"
CALLERS = 64
CHANNELS = 8
STOPS = (signal.SIGTERM, signal.SIGINT, signal.SIGTERM, signal.SIGINT)


class _Operator:
    """Enough of RunningCentral for the helpers: the operator's metadata."""

    operator_metadata = (("authorization", f"Bearer {OPERATOR_KEY}"),)


def _args(db: Path) -> list[str]:
    # Port 0: the central binds whichever port the kernel gives and reports it (central_address).
    return ["--port", "0", "--db", f"sqlite+aiosqlite:///{db}", "--operator-key", OPERATOR_KEY]


def _reserved(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT COALESCE(SUM(reserved), 0) FROM stock_lines").fetchone()[0])


async def _load_then_stop(
    address: str,
    line_id: int,
    buyers: list[tuple[tuple[str, str], ...]],
    process: subprocess.Popen[bytes],
    sig: int,
) -> tuple[Counter[str], int]:
    """64 callers add to carts until ``sig`` stops the central; the endings and the OKs they heard."""
    endings = Counter[str]()
    ok = 0
    signalled = asyncio.Event()
    channels = [open_channel(address) for _ in range(CHANNELS)]
    try:
        stubs = [Stubs.on(channel) for channel in channels]
        request = cart_pb2.AddCartItemRequest(stock_line_id=line_id, quantity=1)

        async def call(n: int) -> None:
            nonlocal ok
            while True:
                started_before_signal = not signalled.is_set()
                try:
                    await stubs[n % CHANNELS].cart.AddCartItem(request, metadata=buyers[n], timeout=10)
                except grpc.aio.AioRpcError as error:
                    when = "before" if started_before_signal else "after"
                    endings[f"{error.code().name} ({when} the signal)"] += 1
                else:
                    ok += 1
                # Callers keep coming through the whole drain, as buyers retrying elsewhere would.
                if process.poll() is not None:
                    return

        callers = [asyncio.create_task(call(n)) for n in range(CALLERS)]

        async def busy() -> None:
            assert ok >= 300

        await assert_eventually(busy, timeout_s=60)
        signalled.set()
        process.send_signal(sig)
        await asyncio.wait_for(asyncio.gather(*callers), timeout=20)
    finally:
        for channel in channels:
            await channel.close()
    return endings, ok


async def test_repeated_stops_under_64_callers_cut_no_call(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    acknowledged = 0
    for round_, sig in enumerate(STOPS):
        log = tmp_path / f"central-{round_}.log"
        # Logs as one JSON object a line (by the variable), checked below: a tool can read them.
        with node_process("central", _args(db), log, env={"DISTRIBUTION_LOG_FORMAT": "json"}) as process:
            address = await central_address(log, process)
            await wait_until_serving(address, timeout_s=30)
            async with open_channel(address) as channel:
                stubs = Stubs.on(channel)
                if round_ == 0:
                    lines = await open_month_with(_Operator(), stubs, {"bolts": 1_000_000})  # type: ignore[arg-type]
                buyers = [await register(stubs, f"r{round_}b{n}") for n in range(CALLERS)]
            endings, ok = await _load_then_stop(address, lines["bolts"], buyers, process, sig)
            stopped = time.monotonic()
            code = await asyncio.to_thread(process.wait, 15)
            waited = time.monotonic() - stopped
        acknowledged += ok
        refused = {ending for ending in endings if not ending.startswith("UNAVAILABLE")}
        assert not refused, f"stop {round_} ({signal.Signals(sig).name}): {dict(endings)}\n{log.read_text()}"
        assert code == 0, log.read_text()
        assert waited < 10, f"stop {round_} took {waited:.1f}s"
        # Every OK a caller heard is a reservation kept (the TTL is far longer than the test).
        assert _reserved(db) == acknowledged
        logged = [line for line in log.read_text().splitlines() if not line.startswith("central listening")]
        assert {json.loads(line)["node"] for line in logged} == {"central"}
