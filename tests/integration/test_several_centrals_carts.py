"""Three real centrals on one PostgreSQL: carts and checkouts spread over them sell each unit once.

Each test starts three ``python -m central`` processes on a fresh database of
the worker's throwaway server (``tests.several_centrals``), spreads its calls
over them, and checks the rows afterwards (``tests.pg_ledger``). Status codes
of every call are collected: a conflict between centrals (deadlock,
serialization failure) must be retried inside the central, never answered.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from generated.distribution.v1 import (
    order_pb2,
)
from tests.outcomes import Outcomes
from tests.pg_ledger import fetch
from tests.several_centrals import several_centrals
from tests.several_centrals_calls import (
    CALL_S,
    add_request,
    assert_ledger,
    checkout_request,
    open_month,
    register,
    visible_everywhere,
)

pytestmark = pytest.mark.several_centrals


async def test_buyers_on_hot_spread_and_random_lines_at_three_centrals(server: str, tmp_path: Path) -> None:
    buyers_n, hot_units = 60, 30
    spread = {f"spread-{i}": 25 for i in range(6)}
    scattered = {f"random-{i}": 20 for i in range(4)}
    async with several_centrals(server, tmp_path) as centrals:
        month, lines = await open_month(centrals, 0, {"hot": hot_units, **spread, **scattered})
        await visible_everywhere(centrals, month, lines)
        buyers = await asyncio.gather(
            *(register(centrals.stubs(i % 3), f"buyer-{i}") for i in range(buyers_n))
        )
        outcomes = Outcomes()
        orders: list[order_pb2.Order] = []
        start = asyncio.Event()

        async def buy(i: int) -> None:
            rng = random.Random(i)
            who = buyers[i]
            await start.wait()
            # Each call of one buyer goes to another central than the one before.
            hot = centrals.stubs((i + 1) % 3).cart.AddCartItem(
                add_request(lines["hot"]), metadata=who, timeout=CALL_S
            )
            await outcomes.record("reserve hot", hot)
            wide = add_request(lines[f"spread-{i % 6}"])
            await outcomes.record(
                "reserve spread",
                centrals.stubs((i + 2) % 3).cart.AddCartItem(wide, metadata=who, timeout=CALL_S),
            )
            pick = add_request(lines[f"random-{rng.randrange(4)}"], rng.randint(1, 3))
            await outcomes.record(
                "reserve random",
                centrals.stubs(rng.randrange(3)).cart.AddCartItem(pick, metadata=who, timeout=CALL_S),
            )
            reply = await outcomes.record(
                "checkout",
                centrals.stubs(i % 3).orders.Checkout(
                    checkout_request(f"buyer-{i}"), metadata=who, timeout=CALL_S
                ),
            )
            if reply is not None:
                orders.append(reply.order)

        tasks = [asyncio.create_task(buy(i)) for i in range(buyers_n)]
        start.set()
        await asyncio.gather(*tasks)

        assert outcomes.broken == []
        assert outcomes.unexpected({"FAILED_PRECONDITION/INSUFFICIENT_STOCK"}) == {}, outcomes.seen
        assert len(orders) == buyers_n, outcomes.seen
        # Nothing expires (default TTL): every reservation a buyer got is in its order.
        assert [o.order_id for o in orders if o.dropped_lines] == []
        hot_sold = sum(
            line.quantity for o in orders for line in o.lines if line.stock_line_id == lines["hot"]
        )
        # Demand exceeds the hot line: a refusal is right only when every unit is held, so all sell.
        assert hot_sold == min(buyers_n, hot_units), outcomes.seen
        await assert_ledger(centrals, [o.order_id for o in orders])


async def test_one_cart_checked_out_at_two_centrals(server: str, tmp_path: Path) -> None:
    customers_n = 12
    async with several_centrals(server, tmp_path) as centrals:
        month, lines = await open_month(centrals, 0, {"jam": 500, "tea": 500})
        await visible_everywhere(centrals, month, lines)
        customers = await asyncio.gather(
            *(register(centrals.stubs(i % 3), f"cart-{i}") for i in range(customers_n))
        )
        outcomes = Outcomes()
        same_key: list[tuple[order_pb2.CheckoutResponse | None, order_pb2.CheckoutResponse | None]] = []
        other_keys: list[list[order_pb2.CheckoutResponse | None]] = []

        async def twice(i: int) -> None:
            who, a, b, c = customers[i], i % 3, (i + 1) % 3, (i + 2) % 3
            await centrals.stubs(a).cart.AddCartItem(
                add_request(lines["jam"], 2), metadata=who, timeout=CALL_S
            )
            await centrals.stubs(c).cart.AddCartItem(
                add_request(lines["tea"], 1), metadata=who, timeout=CALL_S
            )
            # One key at two centrals at the same moment: one order, both answered with it.
            first, second = await asyncio.gather(
                outcomes.record(
                    "checkout",
                    centrals.stubs(a).orders.Checkout(
                        checkout_request(f"same-{i}"), metadata=who, timeout=CALL_S
                    ),
                ),
                outcomes.record(
                    "checkout",
                    centrals.stubs(b).orders.Checkout(
                        checkout_request(f"same-{i}"), metadata=who, timeout=CALL_S
                    ),
                ),
            )
            same_key.append((first, second))
            # Two keys at two centrals for one cart: its reservation is sold once.
            await centrals.stubs(b).cart.AddCartItem(
                add_request(lines["tea"], 3), metadata=who, timeout=CALL_S
            )
            other_keys.append(
                list(
                    await asyncio.gather(
                        outcomes.record(
                            "checkout",
                            centrals.stubs(b).orders.Checkout(
                                checkout_request(f"left-{i}"), metadata=who, timeout=CALL_S
                            ),
                        ),
                        outcomes.record(
                            "checkout",
                            centrals.stubs(c).orders.Checkout(
                                checkout_request(f"right-{i}"), metadata=who, timeout=CALL_S
                            ),
                        ),
                    )
                )
            )

        await asyncio.gather(*(twice(i) for i in range(customers_n)))

        assert outcomes.broken == []
        assert outcomes.unexpected({"FAILED_PRECONDITION/EMPTY_CART"}) == {}, outcomes.seen
        for first, second in same_key:
            assert first is not None and second is not None, outcomes.seen
            assert first.order.order_id == second.order.order_id
            assert sorted([first.replayed, second.replayed]) == [False, True]
            assert sorted((line.product, line.quantity) for line in first.order.lines) == [
                ("jam", 2),
                ("tea", 1),
            ]
        for pair in other_keys:
            units = [sum(line.quantity for line in r.order.lines) for r in pair if r is not None]
            assert sum(units) == 3, (units, outcomes.seen)
        acknowledged = [r.order.order_id for pair in same_key for r in pair if r is not None]
        acknowledged += [r.order.order_id for pair in other_keys for r in pair if r is not None]
        await assert_ledger(centrals, acknowledged)
        rows = await fetch(centrals.raw_url, "SELECT stock_line_id, sold FROM stock_lines")
        assert {r["stock_line_id"]: r["sold"] for r in rows} == {
            lines["jam"]: 2 * customers_n,
            lines["tea"]: 4 * customers_n,
        }
