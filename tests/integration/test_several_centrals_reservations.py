"""Three real centrals on one PostgreSQL: reservations expire and are released once, wherever swept or closed.

Each test starts three ``python -m central`` processes on a fresh database of
the worker's throwaway server (``tests.several_centrals``), spreads its calls
over them, and checks the rows afterwards (``tests.pg_ledger``). Status codes
of every call are collected: a conflict between centrals (deadlock,
serialization failure) must be retried inside the central, never answered.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from generated.distribution.v1 import (
    common_pb2,
)
from tests.helpers import assert_eventually
from tests.outcomes import Outcomes
from tests.pg_ledger import fetch
from tests.several_centrals import several_centrals
from tests.several_centrals_calls import (
    CALL_S,
    COHERENT_S,
    add_request,
    assert_ledger,
    checkout_request,
    close_month,
    open_month,
    reason_of,
    register,
    visible_everywhere,
)

pytestmark = pytest.mark.several_centrals


async def test_expiry_churn_with_a_sweeper_at_every_central(server: str, tmp_path: Path) -> None:
    customers_n, rounds = 30, 4
    stock = {f"churn-{i}": 15 for i in range(4)}
    async with several_centrals(server, tmp_path, reservation_ttl_s=0.3) as centrals:
        month, lines = await open_month(centrals, 0, stock)
        await visible_everywhere(centrals, month, lines)
        ids = list(lines.values())
        customers = await asyncio.gather(
            *(register(centrals.stubs(i % 3), f"churn-{i}") for i in range(customers_n))
        )
        outcomes = Outcomes()
        acknowledged: list[str] = []

        async def churn(i: int) -> None:
            for r in range(rounds):
                at = (i + r) % 3
                added = await outcomes.record(
                    "reserve",
                    centrals.stubs(at).cart.AddCartItem(
                        add_request(ids[(i + r) % len(ids)]), metadata=customers[i], timeout=CALL_S
                    ),
                )
                # Every other reservation is left to expire; the rest is bought at the next central.
                if added is not None and (i + r) % 2 == 0:
                    reply = await outcomes.record(
                        "checkout",
                        centrals.stubs((at + 1) % 3).orders.Checkout(
                            checkout_request(f"churn-{i}-{r}"), metadata=customers[i], timeout=CALL_S
                        ),
                    )
                    if reply is not None:
                        acknowledged.append(reply.order.order_id)

        await asyncio.gather(*(churn(i) for i in range(customers_n)))

        async def all_expired() -> None:
            (live,) = await fetch(
                centrals.raw_url, "SELECT COUNT(*) AS n FROM reservations WHERE state = 'active'"
            )
            assert live["n"] == 0

        # TTL 0.3 s, sweeps every second at each central.
        await assert_eventually(all_expired, timeout_s=5.0, interval_s=0.1)
        assert outcomes.broken == []
        assert (
            outcomes.unexpected({"FAILED_PRECONDITION/INSUFFICIENT_STOCK", "FAILED_PRECONDITION/EMPTY_CART"})
            == {}
        )
        await assert_ledger(centrals, acknowledged)
        rows = await fetch(centrals.raw_url, "SELECT stock_line_id, reserved FROM stock_lines")
        assert {r["stock_line_id"]: r["reserved"] for r in rows} == dict.fromkeys(ids, 0)


async def test_close_racing_reserves_releases_every_reservation(server: str, tmp_path: Path) -> None:
    buyers_n, tries, before_close = 30, 40, 90
    async with several_centrals(server, tmp_path) as centrals:
        month, lines = await open_month(centrals, 0, {f"race-{i}": 1000 for i in range(3)})
        await visible_everywhere(centrals, month, lines)
        ids = list(lines.values())
        buyers = await asyncio.gather(
            *(register(centrals.stubs(i % 3), f"racer-{i}") for i in range(buyers_n))
        )
        outcomes = Outcomes()
        acknowledged: list[str] = []
        enough = asyncio.Event()
        closed_answered = asyncio.Event()
        reserved_ok = 0

        async def race(i: int) -> None:
            nonlocal reserved_ok
            for k in range(tries):
                at = (i + k) % 3
                added = await outcomes.record(
                    "reserve",
                    centrals.stubs(at).cart.AddCartItem(
                        add_request(ids[k % 3]), metadata=buyers[i], timeout=CALL_S
                    ),
                )
                if added is None:
                    # Refused once the close has been answered: this racer is done.
                    if closed_answered.is_set():
                        return
                    continue
                reserved_ok += 1
                if reserved_ok >= before_close:
                    enough.set()
                if i % 4 == 0 and k % 5 == 4:
                    reply = await outcomes.record(
                        "checkout",
                        centrals.stubs((at + 1) % 3).orders.Checkout(
                            checkout_request(f"race-{i}-{k}"), metadata=buyers[i], timeout=CALL_S
                        ),
                    )
                    if reply is not None:
                        acknowledged.append(reply.order.order_id)

        racers = [asyncio.create_task(race(i)) for i in range(buyers_n)]
        # The close comes while reserves are in flight at all three centrals.
        waiting = asyncio.create_task(enough.wait())
        await asyncio.wait([waiting, *racers], return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        assert enough.is_set(), f"fewer than {before_close} reserves before the close: {outcomes.seen}"
        closed = await close_month(centrals, 1, month)
        closed_answered.set()
        await asyncio.gather(*racers)

        assert closed.state == common_pb2.MONTH_STATE_CLOSED
        assert outcomes.broken == []
        allowed = {"FAILED_PRECONDITION/MONTH_NOT_OPEN", "FAILED_PRECONDITION/EMPTY_CART"}
        assert outcomes.unexpected(allowed) == {}, outcomes.seen
        await assert_ledger(centrals, acknowledged)
        rows = await fetch(
            centrals.raw_url,
            "SELECT state, COUNT(*) AS n FROM reservations GROUP BY state ORDER BY state",
        )
        assert "active" not in {r["state"] for r in rows}, rows

        async def refused_everywhere() -> None:
            seen = [
                await reason_of(
                    centrals.stubs(at).cart.AddCartItem(
                        add_request(ids[0]), metadata=buyers[0], timeout=CALL_S
                    )
                )
                for at in range(3)
            ]
            assert seen == ["FAILED_PRECONDITION/MONTH_NOT_OPEN"] * 3

        await assert_eventually(refused_everywhere, timeout_s=COHERENT_S)
