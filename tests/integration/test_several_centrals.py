"""Three real centrals on one PostgreSQL: what holds for one central holds whichever central a call reaches.

Each test starts three ``python -m central`` processes on a fresh database of
a module-scoped throwaway server (``tests.several_centrals``), spreads its
calls over them, and checks the rows afterwards (``tests.pg_ledger``). Status
codes of every call are collected: a conflict between centrals (deadlock,
serialization failure) must be retried inside the central, never answered.
Coherence bounds are the specification's: 500 ms for another central's
commit, 1 s for a notice to reach a manufacturer wherever it is connected.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections.abc import Awaitable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import grpc
import pytest

from generated.distribution.v1 import (
    cart_pb2,
    catalog_pb2,
    common_pb2,
    customer_pb2,
    month_pb2,
    order_pb2,
)
from nodekit.auth import bearer_metadata
from nodekit.status import from_rpc_error
from tests.helpers import VALID_CARD, Stubs, assert_eventually
from tests.integration.test_manufacturer_link import FakeManufacturer
from tests.outcomes import Outcomes
from tests.pg_ledger import fetch, ledger_violations
from tests.postgres import postgres_server
from tests.several_centrals import Centrals, several_centrals

pytestmark = pytest.mark.several_centrals

Metadata = tuple[tuple[str, str], ...]
T = TypeVar("T")

CALL_S = 10.0
# Another central's committed change is seen within this bound (the specification's).
COHERENT_S = 0.5
# A notice reaches its manufacturer within this bound, wherever the manufacturer is connected.
NOTICE_S = 1.0
# Another central takes the month over within this bound after its owner dies.
TAKEOVER_S = 5.0
KEYS = {"Acme": "acme-several-key", "Bolt": "bolt-several-key"}
OTHER_CARD = customer_pb2.PaymentCard(number="5555 5555 5555 4444", expiry_month=11, expiry_year=2032)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with postgres_server() as admin_url:
        yield admin_url


async def register(stubs: Stubs, name: str, card: customer_pb2.PaymentCard = VALID_CARD) -> Metadata:
    reply = await stubs.customers.RegisterCustomer(
        customer_pb2.RegisterCustomerRequest(name=name, card=card), timeout=CALL_S
    )
    return bearer_metadata(reply.token)


async def open_month(
    centrals: Centrals,
    at: int,
    lines: dict[str, int],
    manufacturer: str = "Acme",
    expected_shoppers: int = 0,
    close_after_seconds: int = 0,
) -> tuple[int, dict[str, int]]:
    """Opens the next month at central ``at`` and offers ``lines`` there; (month, product -> line id)."""
    stubs = centrals.stubs(at)
    opened = await stubs.months.OpenMonth(
        month_pb2.OpenMonthRequest(
            offer_deadline_ms=1,
            expected_shoppers=expected_shoppers,
            close_after_seconds=close_after_seconds,
        ),
        metadata=centrals.operator_metadata,
        timeout=CALL_S,
    )
    offer = await stubs.months.SubmitOffer(
        month_pb2.SubmitOfferRequest(
            manufacturer_name=manufacturer,
            month=opened.month,
            lines=[
                common_pb2.OfferLine(product=p, quantity=q, unit_price_cents=250) for p, q in lines.items()
            ],
        ),
        metadata=centrals.operator_metadata,
        timeout=CALL_S,
    )
    return opened.month, {line.product: line.stock_line_id for line in offer.stock_lines}


def add_request(line_id: int, quantity: int = 1) -> cart_pb2.AddCartItemRequest:
    return cart_pb2.AddCartItemRequest(stock_line_id=line_id, quantity=quantity)


def checkout_request(key: str) -> order_pb2.CheckoutRequest:
    # Keys are 8-128 characters: a fixed prefix keeps the short names of the tests valid.
    return order_pb2.CheckoutRequest(idempotency_key=f"several-{key}")


async def in_task(call: Awaitable[T]) -> T:
    """A call object as a coroutine, so it can run as a task."""
    return await call


async def visible_everywhere(centrals: Centrals, month: int, lines: dict[str, int]) -> None:
    """Waits (at most ``COHERENT_S``) until every central's catalog shows ``month`` open with ``lines``."""

    async def shown_at(at: int) -> None:
        listed = await centrals.stubs(at).catalog.ListStockLines(
            catalog_pb2.ListStockLinesRequest(), metadata=centrals.operator_metadata, timeout=CALL_S
        )
        seen = (
            listed.month,
            listed.month_state,
            {line.product: line.stock_line_id for line in listed.stock_lines},
        )
        assert seen == (month, common_pb2.MONTH_STATE_OPEN, lines), f"central {centrals[at].name}"

    for at in range(len(centrals)):
        await assert_eventually(functools.partial(shown_at, at), timeout_s=COHERENT_S)


async def month_status(centrals: Centrals, at: int, month: int = 0) -> month_pb2.MonthStatus:
    reply = await centrals.stubs(at).months.GetMonthStatus(
        month_pb2.GetMonthStatusRequest(month=month), metadata=centrals.operator_metadata, timeout=CALL_S
    )
    status: month_pb2.MonthStatus = reply.status
    return status


async def close_month(centrals: Centrals, at: int, month: int) -> month_pb2.MonthStatus:
    reply = await centrals.stubs(at).months.CloseMonth(
        month_pb2.CloseMonthRequest(month=month), metadata=centrals.operator_metadata, timeout=CALL_S + 20
    )
    status: month_pb2.MonthStatus = reply.status
    return status


async def assert_ledger(centrals: Centrals, acknowledged: Iterable[str] = ()) -> None:
    """The rows hold every safety property; each broken one on its own line otherwise."""
    violations = await ledger_violations(centrals.raw_url, acknowledged)
    assert not violations, "ledger broken:\n" + "\n".join(violations)


async def reason_of(call: object) -> str:
    """``OK`` or the failed call's ``CODE/REASON``."""
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as error:
        return f"{error.code().name}/{from_rpc_error(error).reason}"
    return "OK"


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


async def test_offers_collected_from_manufacturers_at_other_centrals(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path, manufacturer_keys=KEYS) as centrals:
        acme = FakeManufacturer(centrals[1].channel, KEYS["Acme"])
        bolt = FakeManufacturer(centrals[2].channel, KEYS["Bolt"])
        try:
            assert (await acme.hello()).name == "Acme"
            assert (await bolt.hello()).name == "Bolt"
            opening = asyncio.create_task(
                in_task(
                    centrals.stubs(0).months.OpenMonth(
                        month_pb2.OpenMonthRequest(offer_deadline_ms=3000),
                        metadata=centrals.operator_metadata,
                        timeout=CALL_S + 20,
                    )
                )
            )

            async def answer(fake: FakeManufacturer, lines: dict[str, tuple[int, int]]) -> str:
                try:
                    message = await asyncio.wait_for(fake.inbox.get(), 4.0)
                except TimeoutError:
                    return "no offer request within 4 s"
                if message.WhichOneof("message") != "offer_request":
                    return f"got {message.WhichOneof('message')} instead of an offer request"
                await fake.offer(message.offer_request, lines)
                return "answered"

            answers = await asyncio.gather(
                answer(acme, {"bolts": (10, 250)}), answer(bolt, {"nuts": (5, 400)})
            )
            opened = await opening
        finally:
            await acme.close()
            await bolt.close()
        assert list(answers) == ["answered", "answered"], (answers, opened)
        assert opened.state == common_pb2.MONTH_STATE_OPEN
        assert (list(opened.offered_manufacturers), list(opened.skipped_manufacturers)) == (
            ["Acme", "Bolt"],
            [],
        )
        status = await month_status(centrals, 2)
        assert sorted(
            (line.manufacturer_name, line.product, line.offered) for line in status.stock_lines
        ) == [
            ("Acme", "bolts", 10),
            ("Bolt", "nuts", 5),
        ]


async def test_notices_reach_the_manufacturer_at_another_central(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path, manufacturer_keys={"Acme": KEYS["Acme"]}) as centrals:
        buyer = await register(centrals.stubs(1), "buyer")
        acme = FakeManufacturer(centrals[0].channel, KEYS["Acme"])
        try:
            await acme.hello()
            opening = asyncio.create_task(
                in_task(
                    centrals.stubs(0).months.OpenMonth(
                        month_pb2.OpenMonthRequest(offer_deadline_ms=3000),
                        metadata=centrals.operator_metadata,
                        timeout=30,
                    )
                )
            )
            ask = await acme.next("offer_request")
            await acme.offer(ask.offer_request, {"jam": (2, 300), "tea": (50, 100)})
            opened = await opening
            listed = await month_status(centrals, 0)
            lines = {line.product: line.stock_line_id for line in listed.stock_lines}

            async def bought_at_b() -> None:
                assert (
                    await reason_of(
                        centrals.stubs(1).cart.AddCartItem(
                            add_request(lines["jam"], 2), metadata=buyer, timeout=CALL_S
                        )
                    )
                    == "OK"
                )

            await assert_eventually(bought_at_b, timeout_s=COHERENT_S)
            await centrals.stubs(1).orders.Checkout(
                checkout_request("jam-all"), metadata=buyer, timeout=CALL_S
            )
            sold_at = time.monotonic()
            try:
                message = await asyncio.wait_for(acme.inbox.get(), NOTICE_S)
            except TimeoutError:
                pytest.fail(f"no depletion notice at A within {NOTICE_S}s of the sell-out at B")
            notice = message.notification
            assert notice.WhichOneof("payload") == "depletion", message
            assert (notice.depletion.product, notice.depletion.quantity_sold) == ("jam", 2)
            print(f"depletion reached A {time.monotonic() - sold_at:.3f}s after the checkout at B")
            await acme.ack(notice.notification_id)

            await close_month(centrals, 2, opened.month)
            closed_at = time.monotonic()
            try:
                message = await asyncio.wait_for(acme.inbox.get(), NOTICE_S)
            except TimeoutError:
                pytest.fail(f"no month report at A within {NOTICE_S}s of the close at C")
            report = message.notification
            assert report.WhichOneof("payload") == "month_report", message
            print(f"month report reached A {time.monotonic() - closed_at:.3f}s after the close at C")
        finally:
            await acme.close()

        # Not acknowledged: replayed when Acme reconnects, now at B; then acknowledged for good.
        again = FakeManufacturer(centrals[1].channel, KEYS["Acme"])
        try:
            await again.hello()
            replayed = (await again.next("notification")).notification
            assert replayed.notification_id == report.notification_id
            await again.ack(replayed.notification_id)
        finally:
            await again.close()

        async def all_acknowledged() -> None:
            (row,) = await fetch(
                centrals.raw_url, "SELECT COUNT(*) AS n FROM notifications WHERE acked_at IS NULL"
            )
            assert row["n"] == 0

        await assert_eventually(all_acknowledged, timeout_s=NOTICE_S)
        rows = await fetch(
            centrals.raw_url, "SELECT kind, COUNT(*) AS n FROM notifications GROUP BY kind ORDER BY kind"
        )
        assert [(r["kind"], r["n"]) for r in rows] == [("depletion", 1), ("month_report", 1)]
        await assert_ledger(centrals)


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
