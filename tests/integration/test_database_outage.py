"""Two real centrals under load while their PostgreSQL is SIGKILLed, stopped or hung, and brought back.

While the database is gone each central stays up, answers UNAVAILABLE (never
INTERNAL, never driver text), says NOT_SERVING on health and logs the outage
once at each end; when the database is back it is SERVING again by itself and
checks out again, and nothing it acknowledged is missing from the ledger.
``DISTRIBUTION_OUTAGE_SECONDS`` sets how long each outage lasts (5 by default;
the issue's long case is 30).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from generated.distribution.v1 import order_pb2
from nodekit.status import from_rpc_error
from tests.helpers import assert_eventually
from tests.pg_restartable import RestartablePostgres, restartable_postgres
from tests.several_centrals import Centrals, several_centrals
from tests.several_centrals_calls import (
    CALL_S,
    Metadata,
    add_request,
    assert_ledger,
    open_month,
    register,
    visible_everywhere,
)

pytestmark = pytest.mark.several_centrals

OUTAGE_S = float(os.environ.get("DISTRIBUTION_OUTAGE_SECONDS", "5"))
BUYERS = 8
# Bounds of the waits, generous for a loaded two-core machine; the measured delays are printed.
NOT_SERVING_WITHIN_S = 5.0
SERVING_AGAIN_WITHIN_S = 30.0
HEALTH_POLL_S = 0.05
# The buyers' own pause after an UNAVAILABLE, as a client's retry policy would wait.
RETRY_PAUSE_S = 0.05
# Shorter than the outage: a call the hung database held would miss it.
HUNG_CALL_S = 4.0
OUR_MESSAGE = "The central cannot reach its database right now; please retry shortly."


@dataclass
class Load:
    """Buyers reserving and checking out in turn at both centrals, every answer counted."""

    centrals: Centrals
    lines: list[int]
    buyers: list[Metadata]
    seen: Counter[str] = field(default_factory=Counter)
    messages: set[str] = field(default_factory=set)
    acknowledged: list[str] = field(default_factory=list)
    call_s: float = CALL_S
    checked_out_at: Counter[int] = field(default_factory=Counter)
    running: bool = True

    async def call(self, call: Awaitable[object]) -> object | None:
        try:
            reply = await call
        except grpc.aio.AioRpcError as error:
            self.seen[f"{error.code().name}/{from_rpc_error(error).reason}"] += 1
            if error.code() is not grpc.StatusCode.OK:
                self.messages.add(f"{error.code().name}: {error.details()}")
            await asyncio.sleep(RETRY_PAUSE_S)
            return None
        self.seen["OK"] += 1
        return reply

    async def buyer(self, index: int) -> None:
        who, turn = self.buyers[index], 0
        while self.running:
            turn += 1
            at = (index + turn) % len(self.centrals)
            stubs = self.centrals.stubs(at)
            line = self.lines[(index + turn) % len(self.lines)]
            add = stubs.cart.AddCartItem(add_request(line), metadata=who, timeout=self.call_s)
            added = await self.call(add)
            if added is None:
                continue
            request = order_pb2.CheckoutRequest(idempotency_key=f"outage-{index}-{turn}")
            reply = await self.call(stubs.orders.Checkout(request, metadata=who, timeout=self.call_s))
            if isinstance(reply, order_pb2.CheckoutResponse):
                self.acknowledged.append(reply.order.order_id)
                self.checked_out_at[at] += 1


async def health_of(centrals: Centrals, at: int) -> str:
    stub = health_pb2_grpc.HealthStub(centrals[at].channel)
    try:
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1.0)
    except grpc.aio.AioRpcError as error:
        return error.code().name
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


async def every_central(centrals: Centrals, status: str, within_s: float) -> float:
    """Waits until every central's health says ``status``; returns how long that took."""
    start = time.monotonic()
    for at in range(len(centrals)):

        async def says(at: int = at) -> None:
            assert await health_of(centrals, at) == status, f"central {centrals[at].name}"

        await assert_eventually(says, timeout_s=within_s, interval_s=HEALTH_POLL_S)
    return time.monotonic() - start


async def checks_out_again(load: Load, centrals: Centrals) -> None:
    """Waits until every central has acknowledged a checkout after the outage."""
    before = dict(load.checked_out_at)
    for at in range(len(centrals)):

        async def more(at: int = at) -> None:
            assert load.checked_out_at[at] > before.get(at, 0), f"central {centrals[at].name}"

        await assert_eventually(more, timeout_s=SERVING_AGAIN_WITHIN_S, interval_s=0.05)


async def outage(
    pg: RestartablePostgres, how: str, load: Load, centrals: Centrals, delays: dict[str, float]
) -> None:
    """Takes the database away for ``OUTAGE_S``, brings it back, waits for the centrals to serve again."""
    start = time.monotonic()
    if how == "freeze":
        frozen = pg.freeze()
        try:
            delays[f"{how}: NOT_SERVING after"] = await every_central(
                centrals, "NOT_SERVING", NOT_SERVING_WITHIN_S
            )
            # The outage's length is the scenario itself, not a wait for something to happen.
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - start)))
        finally:
            # Even when a check failed: a stopped server would not stop at the end of the test.
            pg.thaw(frozen)
    else:
        await asyncio.to_thread(pg.kill if how == "kill" else pg.stop)
        gone_after = await every_central(centrals, "NOT_SERVING", NOT_SERVING_WITHIN_S)
        delays[f"{how}: NOT_SERVING after"] = gone_after
        await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - start)))
        await asyncio.to_thread(pg.start)
    back = time.monotonic()
    await every_central(centrals, "SERVING", SERVING_AGAIN_WITHIN_S)
    delays[f"{how}: SERVING again after"] = time.monotonic() - back
    await checks_out_again(load, centrals)


async def ride_out(tmp_path: Path, hows: tuple[str, ...], call_s: float = CALL_S) -> Load:
    """Two centrals under load through the outages ``hows`` in turn; checks answers, logs, the ledger."""
    delays: dict[str, float] = {}
    with restartable_postgres() as pg:
        async with several_centrals(pg.url, tmp_path, count=2) as centrals:
            month, by_product = await open_month(centrals, 0, {f"line-{i}": 1_000_000 for i in range(4)})
            await visible_everywhere(centrals, month, by_product)
            buyers = [await register(centrals.stubs(i % 2), f"buyer-{i}") for i in range(BUYERS)]
            load = Load(centrals, list(by_product.values()), buyers, call_s=call_s)
            tasks = [asyncio.create_task(load.buyer(i)) for i in range(BUYERS)]
            try:
                await checks_out_again(load, centrals)
                for how in hows:
                    await outage(pg, how, load, centrals, delays)
            finally:
                load.running = False
                await asyncio.gather(*tasks)
            print(f"outages of {OUTAGE_S:.0f}s: {delays}; answers: {dict(load.seen)}")
            broken = {key: n for key, n in load.seen.items() if key.split("/")[0] in {"INTERNAL", "UNKNOWN"}}
            assert not broken, f"{broken}: {sorted(load.messages)}"
            assert load.seen["UNAVAILABLE/DATABASE_UNAVAILABLE"] > 0, dict(load.seen)
            for message in load.messages:
                assert message.startswith("UNAVAILABLE: ") or message.startswith("DEADLINE_EXCEEDED: "), (
                    message
                )
                if message.startswith("UNAVAILABLE: "):
                    assert message == f"UNAVAILABLE: {OUR_MESSAGE}", message
            await assert_ledger(centrals, load.acknowledged)
            for node in centrals.nodes:
                log = node.log_text()
                assert "Traceback" not in log, f"central {node.name}:\n{node.log_tail()}"
                assert "expiry sweep failed" not in log, node.name
                tail = f"central {node.name}:\n{node.log_tail()}"
                assert log.count("database unavailable") == len(hows), tail
                assert log.count("database back after") == len(hows), tail
    return load


async def test_centrals_ride_out_postgres_killed_and_stopped(tmp_path: Path) -> None:
    await ride_out(tmp_path, ("kill", "stop"))


async def test_centrals_ride_out_a_hung_postgres(tmp_path: Path) -> None:
    # Every process of the server SIGSTOPped: connections stay open and nothing answers. The calls'
    # deadline is shorter than the outage, so a call left waiting on the hung database would show.
    load = await ride_out(tmp_path, ("freeze",), call_s=HUNG_CALL_S)
    # Only a call under way when the server stopped may miss its deadline, where a loaded machine
    # notices the hang late (the heartbeat's bound plus the event loop's lag). Each buyer has one
    # call at a time, so at most one per buyer; every later call hears UNAVAILABLE.
    missed = sum(n for key, n in load.seen.items() if key.startswith("DEADLINE_EXCEEDED"))
    assert missed <= BUYERS, dict(load.seen)
    assert load.seen["UNAVAILABLE/DATABASE_UNAVAILABLE"] > 10 * missed, dict(load.seen)
