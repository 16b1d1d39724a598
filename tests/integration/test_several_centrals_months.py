"""Three real centrals on one PostgreSQL: a month opened, closed, timed out or taken over at any of them.

Each test starts three ``python -m central`` processes on a fresh database of
the worker's throwaway server (``tests.several_centrals``), spreads its calls
over them, and checks the rows afterwards (``tests.pg_ledger``). Status codes
of every call are collected: a conflict between centrals (deadlock,
serialization failure) must be retried inside the central, never answered.

A takeover after the month's owner dies happens within 5 s.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from generated.distribution.v1 import (
    catalog_pb2,
    common_pb2,
    customer_pb2,
)
from tests.helpers import assert_eventually
from tests.pg_ledger import fetch
from tests.several_centrals import several_centrals
from tests.several_centrals_calls import (
    CALL_S,
    COHERENT_S,
    TAKEOVER_S,
    Metadata,
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


async def test_month_opened_closed_and_timed_out_at_different_centrals(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        shopper = await register(centrals.stubs(2), "shopper")
        month, lines = await open_month(centrals, 0, {"jam": 10})
        assert month == 1

        async def open_at(at: int) -> None:
            listed = await centrals.stubs(at).catalog.ListStockLines(
                catalog_pb2.ListStockLinesRequest(), metadata=shopper, timeout=CALL_S
            )
            assert (listed.month, listed.month_state) == (1, common_pb2.MONTH_STATE_OPEN)
            assert [line.product for line in listed.stock_lines] == ["jam"]

        for at in (1, 2):
            await assert_eventually(functools.partial(open_at, at), timeout_s=COHERENT_S)

        async def reserve_at_b() -> None:
            assert (
                await reason_of(
                    centrals.stubs(1).cart.AddCartItem(
                        add_request(lines["jam"]), metadata=shopper, timeout=CALL_S
                    )
                )
                == "OK"
            )

        await assert_eventually(reserve_at_b, timeout_s=COHERENT_S)

        closed = await close_month(centrals, 1, month)
        assert (closed.state, closed.close_reason) == (common_pb2.MONTH_STATE_CLOSED, "operator")

        async def closed_everywhere() -> None:
            for at in (0, 2):
                status = await month_status(centrals, at)
                assert (status.month, status.state) == (1, common_pb2.MONTH_STATE_CLOSED)
            assert (
                await reason_of(
                    centrals.stubs(0).cart.AddCartItem(
                        add_request(lines["jam"]), metadata=shopper, timeout=CALL_S
                    )
                )
                == "FAILED_PRECONDITION/MONTH_NOT_OPEN"
            )

        await assert_eventually(closed_everywhere, timeout_s=COHERENT_S)

        # The next month, opened at C with a deadline: its timer closes it, seen at A.
        second, _ = await open_month(centrals, 2, {"tea": 5}, close_after_seconds=1)
        assert second == 2

        async def timed_out() -> None:
            status = await month_status(centrals, 0, second)
            assert (status.state, status.close_reason) == (common_pb2.MONTH_STATE_CLOSED, "deadline")

        await assert_eventually(timed_out, timeout_s=1 + TAKEOVER_S, interval_s=0.1)
        await assert_ledger(centrals)
        reports = await fetch(
            centrals.raw_url,
            "SELECT payload::json->>'month' AS month, COUNT(*) AS n FROM notifications "
            "WHERE kind = 'month_report' GROUP BY 1 ORDER BY 1",
        )
        assert [(r["month"], r["n"]) for r in reports] == [("1", 1), ("2", 1)]
        months = await fetch(centrals.raw_url, "SELECT month, state, close_reason FROM months ORDER BY month")
        assert [tuple(r) for r in months] == [(1, "closed", "operator"), (2, "closed", "deadline")]


async def test_deadline_close_survives_the_opener_killed(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        shopper = await register(centrals.stubs(1), "shopper")
        month, lines = await open_month(centrals, 0, {"jam": 10}, close_after_seconds=2)
        centrals.kill(0)

        async def closed_by_deadline() -> None:
            status = await month_status(centrals, 1, month)
            assert (status.state, status.close_reason) == (common_pb2.MONTH_STATE_CLOSED, "deadline")

        await assert_eventually(closed_by_deadline, timeout_s=2 + TAKEOVER_S, interval_s=0.1)
        # Measured on the central's own clock, from the month's opening to its close: the test's
        # own clock starts late when opening the month was slow.
        status = await month_status(centrals, 1, month)
        took = (status.closed_at.ToNanoseconds() - status.opened_at.ToNanoseconds()) / 1e9
        assert took >= 2.0 - 0.2, f"closed after {took:.2f}s, before its 2 s deadline"

        async def refused_at_c() -> None:
            assert (
                await reason_of(
                    centrals.stubs(2).cart.AddCartItem(
                        add_request(lines["jam"]), metadata=shopper, timeout=CALL_S
                    )
                )
                == "FAILED_PRECONDITION/MONTH_NOT_OPEN"
            )

        await assert_eventually(refused_at_c, timeout_s=COHERENT_S)
        # The opener comes back: it sees the month closed and opens no second timer's close.
        await centrals.restart(0)
        status = await month_status(centrals, 0, month)
        assert status.state == common_pb2.MONTH_STATE_CLOSED
        await assert_ledger(centrals)
        (reports,) = await fetch(
            centrals.raw_url, "SELECT COUNT(*) AS n FROM notifications WHERE kind = 'month_report'"
        )
        assert reports["n"] == 1


async def test_shoppers_done_and_sold_out_close_wherever_called(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        ann, bob = await register(centrals.stubs(1), "ann"), await register(centrals.stubs(2), "bob")
        month, _ = await open_month(centrals, 0, {"jam": 10}, expected_shoppers=2)
        for at, who in ((1, ann), (2, bob)):

            async def finish(at: int = at, who: Metadata = who) -> None:
                assert (
                    await reason_of(
                        centrals.stubs(at).customers.FinishShopping(
                            customer_pb2.FinishShoppingRequest(month=month), metadata=who, timeout=CALL_S
                        )
                    )
                    == "OK"
                )

            await assert_eventually(finish, timeout_s=COHERENT_S)

        async def shoppers_done() -> None:
            status = await month_status(centrals, 0, month)
            assert (status.state, status.close_reason) == (common_pb2.MONTH_STATE_CLOSED, "shoppers_done")

        await assert_eventually(shoppers_done, timeout_s=TAKEOVER_S, interval_s=0.1)

        # Next month: its opener dies, then the last units sell through the others.
        second, lines = await open_month(centrals, 0, {"last": 3})
        centrals.kill(0)

        async def bought_out() -> None:
            assert (
                await reason_of(
                    centrals.stubs(1).cart.AddCartItem(
                        add_request(lines["last"], 3), metadata=ann, timeout=CALL_S
                    )
                )
                == "OK"
            )

        await assert_eventually(bought_out, timeout_s=COHERENT_S)
        reply = await centrals.stubs(2).orders.Checkout(
            checkout_request("last-3"), metadata=ann, timeout=CALL_S
        )
        assert [(line.product, line.quantity) for line in reply.order.lines] == [("last", 3)]

        async def sold_out() -> None:
            status = await month_status(centrals, 1, second)
            assert (status.state, status.close_reason) == (common_pb2.MONTH_STATE_CLOSED, "sold_out")

        await assert_eventually(sold_out, timeout_s=TAKEOVER_S, interval_s=0.1)
        await assert_ledger(centrals, [reply.order.order_id])
