"""Three real centrals on one PostgreSQL: each sees the others' commits, and they start together.

Each test starts three ``python -m central`` processes on a fresh database of
the worker's throwaway server (``tests.several_centrals``), spreads its calls
over them, and checks the rows afterwards (``tests.pg_ledger``). Status codes
of every call are collected: a conflict between centrals (deadlock,
serialization failure) must be retried inside the central, never answered.

Another central's commit is seen within 500 ms (the specification's bound).
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

import pytest

from generated.distribution.v1 import (
    catalog_pb2,
    common_pb2,
    customer_pb2,
)
from tests.helpers import assert_eventually
from tests.several_centrals import several_centrals
from tests.several_centrals_calls import (
    CALL_S,
    COHERENT_S,
    OTHER_CARD,
    add_request,
    assert_ledger,
    checkout_request,
    close_month,
    month_status,
    open_month,
    reason_of,
    register,
)

pytestmark = pytest.mark.several_centrals


async def test_each_central_sees_the_others_commits(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        ann = await register(centrals.stubs(1), "ann")
        watch = centrals.stubs(1).catalog.WatchCatalog(
            catalog_pb2.WatchCatalogRequest(), metadata=ann, timeout=60
        )
        on_show: dict[str, int] = {}
        watched_month: list[tuple[int, int]] = []

        async def follow() -> None:
            async for update in watch:
                if update.snapshot:
                    on_show.clear()
                watched_month.append((update.month, update.month_state))
                for line in update.stock_lines:
                    on_show[line.product] = line.available

        follower = asyncio.create_task(follow())
        try:
            month, lines = await open_month(centrals, 0, {"jam": 5, "tea": 40})

            async def watched(expected: dict[str, int]) -> None:
                assert {p: n for p, n in on_show.items() if n > 0} == expected

            # Offers made at A show in the catalog watched at B.
            await assert_eventually(lambda: watched({"jam": 5, "tea": 40}), timeout_s=COHERENT_S)

            async def reserve_at_b() -> None:
                assert (
                    await reason_of(
                        centrals.stubs(1).cart.AddCartItem(
                            add_request(lines["tea"], 3), metadata=ann, timeout=CALL_S
                        )
                    )
                    == "OK"
                )

            # MONTH_NOT_OPEN at B only until A's opening reaches it.
            await assert_eventually(reserve_at_b, timeout_s=COHERENT_S)
            bob = await register(centrals.stubs(0), "bob")
            await centrals.stubs(0).cart.AddCartItem(
                add_request(lines["jam"], 5), metadata=bob, timeout=CALL_S
            )
            await centrals.stubs(0).orders.Checkout(checkout_request("bob-jam"), metadata=bob, timeout=CALL_S)
            # Sales and reservations at A and B, watched at B: jam sold out, tea 40 - 3.
            await assert_eventually(lambda: watched({"tea": 37}), timeout_s=COHERENT_S)

            async def counters_at(at: int) -> None:
                status = await month_status(centrals, at)
                got = {line.product: (line.reserved, line.sold) for line in status.stock_lines}
                assert got == {"jam": (0, 5), "tea": (3, 0)}

            for at in range(3):
                await assert_eventually(functools.partial(counters_at, at), timeout_s=COHERENT_S)

            # A card replaced through A is the one B charges.
            await centrals.stubs(0).customers.UpdatePaymentCard(
                customer_pb2.UpdatePaymentCardRequest(card=OTHER_CARD), metadata=ann, timeout=CALL_S
            )
            attempts = 0

            async def charged_new_card() -> None:
                nonlocal attempts
                attempts += 1
                await centrals.stubs(2).cart.AddCartItem(
                    add_request(lines["tea"]), metadata=ann, timeout=CALL_S
                )
                reply = await centrals.stubs(1).orders.Checkout(
                    checkout_request(f"ann-{attempts}"), metadata=ann, timeout=CALL_S
                )
                assert reply.order.card_last4 == "4444"

            await assert_eventually(charged_new_card, timeout_s=COHERENT_S)

            await close_month(centrals, 0, month)

            async def closed_at_b() -> None:
                assert (
                    await reason_of(
                        centrals.stubs(1).cart.AddCartItem(
                            add_request(lines["tea"]), metadata=ann, timeout=CALL_S
                        )
                    )
                    == "FAILED_PRECONDITION/MONTH_NOT_OPEN"
                )
                assert watched_month[-1] == (month, common_pb2.MONTH_STATE_CLOSED)

            await assert_eventually(closed_at_b, timeout_s=COHERENT_S)
        finally:
            watch.cancel()
            await asyncio.gather(follower, return_exceptions=True)
        await assert_ledger(centrals)


async def test_three_centrals_started_together_on_an_empty_database(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path, together=True) as centrals:
        assert all(node.alive() for node in centrals.nodes)
        # Each one works, and they share one database.
        month, lines = await open_month(centrals, 2, {"jam": 3})
        ann = await register(centrals.stubs(0), "ann")

        async def reserve_at_b() -> None:
            assert (
                await reason_of(
                    centrals.stubs(1).cart.AddCartItem(
                        add_request(lines["jam"]), metadata=ann, timeout=CALL_S
                    )
                )
                == "OK"
            )

        await assert_eventually(reserve_at_b, timeout_s=COHERENT_S)
        assert month == 1
        await assert_ledger(centrals)
