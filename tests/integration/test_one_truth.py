"""One truth for stock: calls cut by their deadline while the writer is busy, then the book against the DB.

The writer is kept busy the way a busy disk or a second process would keep it: another connection holds
SQLite's write lock, so every write queues behind it. A caller's deadline then expires while its write waits;
once the lock is let go the queued write commits, and the catalog (served from the book) must say what the
database says, line by line.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from central.testing import RunningCentral, running_central
from generated.distribution.v1 import (
    cart_pb2,
    catalog_pb2,
    common_pb2,
    manufacturer_pb2,
    manufacturer_pb2_grpc,
    month_pb2,
    order_pb2,
)
from nodekit.auth import bearer_metadata
from tests.helpers import (
    Stubs,
    add,
    assert_eventually,
    checkout,
    fails,
    next_reply,
    open_month_with,
    register,
    status,
)

CUT_S = 0.3


@contextlib.contextmanager
def write_lock_held(db_path: Path) -> Iterator[None]:
    """Holds the database's write lock from another connection until the block ends."""
    other = sqlite3.connect(db_path, isolation_level=None, timeout=10)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("COMMIT")
    finally:
        other.close()


def database_lines(db_path: Path) -> dict[int, tuple[int, int, int]]:
    """stock line id -> (offered, reserved, sold) as committed."""
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        rows = db.execute("SELECT stock_line_id, offered, reserved, sold FROM stock_lines").fetchall()
    return {line_id: (offered, reserved, sold) for line_id, offered, reserved, sold in rows}


async def catalog_available(stubs: Stubs, who: tuple[tuple[str, str], ...]) -> dict[int, int]:
    reply = await stubs.catalog.ListStockLines(catalog_pb2.ListStockLinesRequest(), metadata=who, timeout=10)
    return {line.stock_line_id: line.available for line in reply.stock_lines}


async def assert_catalog_is_the_database(
    rc: RunningCentral, stubs: Stubs, who: tuple[tuple[str, str], ...]
) -> None:
    """The catalog lists exactly the lines the database has units of, with the database's figures."""

    async def same() -> None:
        committed = {
            line_id: offered - reserved - sold
            for line_id, (offered, reserved, sold) in database_lines(rc.db_path).items()
            if offered - reserved - sold > 0
        }
        assert await catalog_available(stubs, who) == committed

    await assert_eventually(same, timeout_s=5)


async def committed(rc: RunningCentral, line_id: int, counters: tuple[int, int, int]) -> None:
    """Waits until the database holds ``counters`` (offered, reserved, sold) for the line."""

    async def there() -> None:
        assert database_lines(rc.db_path)[line_id] == counters

    await assert_eventually(there, timeout_s=5)


async def until_queued(rc: RunningCentral, count: int) -> None:
    async def queued() -> None:
        assert rc.central.writer.backlog >= count

    await assert_eventually(queued, timeout_s=5, interval_s=0.005)


async def cut(call: object) -> None:
    """Awaits a call that must end on its own deadline."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


async def test_a_cut_add_that_commits_reaches_the_book(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"jam": 10})
    ann, bob = await register(stubs, "ann"), await register(stubs, "bob")
    request = cart_pb2.AddCartItemRequest(stock_line_id=lines["jam"], quantity=10)
    with write_lock_held(rc.db_path):
        victim = asyncio.ensure_future(stubs.cart.AddCartItem(request, metadata=ann, timeout=CUT_S))
        await until_queued(rc, 1)
        await cut(victim)
    # The write waited in the queue and committed after its caller gave up.
    await committed(rc, lines["jam"], (10, 10, 0))
    await assert_catalog_is_the_database(rc, stubs, bob)
    refused = await fails(add(stubs, bob, lines["jam"], 1))
    assert (refused.reason, refused.metadata["available"]) == ("INSUFFICIENT_STOCK", "0")
    # Ann's cart holds what the database holds, and she can buy it.
    order = await checkout(stubs, ann, "ann-after-cut")
    assert [(line.product, line.quantity) for line in order.order.lines] == [("jam", 10)]
    assert database_lines(rc.db_path)[lines["jam"]] == (10, 0, 10)


async def test_a_cut_remove_that_commits_frees_the_units(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"jam": 10})
    ann, bob = await register(stubs, "ann"), await register(stubs, "bob")
    await add(stubs, ann, lines["jam"], 10)
    request = cart_pb2.RemoveCartItemRequest(stock_line_id=lines["jam"])
    with write_lock_held(rc.db_path):
        victim = asyncio.ensure_future(stubs.cart.RemoveCartItem(request, metadata=ann, timeout=CUT_S))
        await until_queued(rc, 1)
        await cut(victim)
    await committed(rc, lines["jam"], (10, 0, 0))
    await assert_catalog_is_the_database(rc, stubs, bob)
    # The database holds 10 of 10 free: the next honest buyer gets them.
    reply = await add(stubs, bob, lines["jam"], 10)
    assert reply.line.quantity == 10


async def test_a_cut_checkout_that_commits_keeps_the_book_true(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"jam": 1000})
    ann, bob = await register(stubs, "ann"), await register(stubs, "bob")
    await add(stubs, ann, lines["jam"], 5)
    request = order_pb2.CheckoutRequest(idempotency_key="ann-cut-checkout")
    with write_lock_held(rc.db_path):
        victim = asyncio.ensure_future(stubs.orders.Checkout(request, metadata=ann, timeout=CUT_S))
        await until_queued(rc, 1)
        await cut(victim)
    await committed(rc, lines["jam"], (1000, 0, 5))
    await assert_catalog_is_the_database(rc, stubs, bob)
    # The retry with the same key answers the order that was placed, and later checkouts work.
    again = await checkout(stubs, ann, "ann-cut-checkout")
    assert again.replayed and [(line.quantity) for line in again.order.lines] == [5]
    await add(stubs, bob, lines["jam"], 7)
    bought = await checkout(stubs, bob, "bob-after")
    assert [line.quantity for line in bought.order.lines] == [7]
    assert database_lines(rc.db_path)[lines["jam"]] == (1000, 0, 12)
    await assert_catalog_is_the_database(rc, stubs, bob)


async def test_a_book_made_wrong_is_repaired_not_answered_internal(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"jam": 1000})
    ann = await register(stubs, "ann")
    # As a lost update would leave it: the book says 5 units are held that the database never held.
    rc.central.book.lines[lines["jam"]].reserved = -5
    await add(stubs, ann, lines["jam"], 5)
    order = await checkout(stubs, ann, "ann-repaired")
    assert [line.quantity for line in order.order.lines] == [5]
    await assert_catalog_is_the_database(rc, stubs, ann)
    month = await status(rc, stubs)
    assert [(line.reserved, line.sold) for line in month.stock_lines] == [(0, 5)]


async def test_a_database_refusal_tells_the_real_figure_and_counts_as_unmet(
    rc: RunningCentral, stubs: Stubs
) -> None:
    lines = await open_month_with(rc, stubs, {"jam": 10})
    ann, bob = await register(stubs, "ann"), await register(stubs, "bob")
    await add(stubs, ann, lines["jam"], 7)
    refused = await fails(add(stubs, bob, lines["jam"], 5))
    assert refused.reason == "INSUFFICIENT_STOCK"
    assert (refused.metadata["requested"], refused.metadata["available"]) == ("5", "3")
    month = await status(rc, stubs)
    assert month.unmet_demand == 2


async def test_a_reserve_queued_behind_a_close_is_told_the_month_closed(
    rc: RunningCentral, stubs: Stubs
) -> None:
    lines = await open_month_with(rc, stubs, {"jam": 10})
    ann = await register(stubs, "ann")
    close = month_pb2.CloseMonthRequest(month=1)
    with write_lock_held(rc.db_path):
        closing = asyncio.ensure_future(
            stubs.months.CloseMonth(close, metadata=rc.operator_metadata, timeout=10)
        )
        await until_queued(rc, 1)
        adding = asyncio.ensure_future(add(stubs, ann, lines["jam"], 1))
        await until_queued(rc, 2)
    await closing
    refused = await fails(adding)
    assert refused.reason == "MONTH_NOT_OPEN"
    assert database_lines(rc.db_path)[lines["jam"]] == (10, 0, 0)


async def test_an_expiry_that_finds_its_reservations_released_releases_nothing(
    rc: RunningCentral, stubs: Stubs
) -> None:
    from central.storage.expiry_rows import expire_reservations

    lines = await open_month_with(rc, stubs, {"jam": 10})
    ann = await register(stubs, "ann")
    await add(stubs, ann, lines["jam"], 4)
    with contextlib.closing(sqlite3.connect(rc.db_path)) as db:
        (due,) = db.execute("SELECT reservation_id FROM reservations").fetchone()
    # The sweep picked the reservation; before its write ran, the customer removed it.
    await stubs.cart.RemoveCartItem(
        cart_pb2.RemoveCartItemRequest(stock_line_id=lines["jam"]), metadata=ann, timeout=10
    )
    now = rc.central.clock()
    released = await rc.central.writer.run(lambda c: expire_reservations(c, [due], now))
    assert released == {}
    assert database_lines(rc.db_path)[lines["jam"]] == (10, 0, 0)
    with contextlib.closing(sqlite3.connect(rc.db_path)) as db:
        kinds = db.execute(
            "SELECT kind, COUNT(*) FROM stock_movements GROUP BY kind ORDER BY kind"
        ).fetchall()
    assert kinds == [("offered", 1), ("released", 1), ("reserved", 1)]


async def test_a_cut_open_month_still_opens_with_the_offers_that_arrived(tmp_path: Path) -> None:
    keys = {"Silent": "silent-key-1"}
    async with running_central(tmp_path / "central.sqlite3", manufacturer_keys=keys) as rc:
        stubs = Stubs.on(rc.channel)
        link = manufacturer_pb2_grpc.ManufacturerLinkServiceStub(rc.channel)
        silent = link.Connect(metadata=bearer_metadata(keys["Silent"]))
        try:
            await silent.write(manufacturer_pb2.ConnectRequest(hello=manufacturer_pb2.Hello()))
            welcome = await asyncio.wait_for(next_reply(silent), 10)
            assert welcome.WhichOneof("message") == "welcome"
            request = month_pb2.OpenMonthRequest(offer_deadline_ms=1500)
            await cut(stubs.months.OpenMonth(request, metadata=rc.operator_metadata, timeout=CUT_S))

            async def opened() -> None:
                assert (await status(rc, stubs)).state == common_pb2.MONTH_STATE_OPEN

            await assert_eventually(opened, timeout_s=10)
            closed = await stubs.months.CloseMonth(
                month_pb2.CloseMonthRequest(month=1), metadata=rc.operator_metadata, timeout=10
            )
            assert closed.status.month == 1
        finally:
            silent.cancel()


async def _reserve_many(rc: RunningCentral, count: int) -> None:
    """``count`` one-unit reservations through the use case, spread over 20 lines and 50 customers."""
    lines = sorted(
        (await open_month_with(rc, Stubs.on(rc.channel), {f"p{i}": 1_000_000 for i in range(20)})).values()
    )
    accounts = rc.central.accounts
    customers = [(await accounts.register(f"load-{i}", None)).customer_id for i in range(50)]
    await asyncio.gather(*(rc.central.cart.add(customers[i % 50], lines[i % 20], 1) for i in range(count)))


def _live_reservations(rc: RunningCentral) -> int:
    with contextlib.closing(sqlite3.connect(rc.db_path)) as db:
        (live,) = db.execute("SELECT COUNT(*) FROM reservations WHERE state = 'active'").fetchone()
    return int(live)


async def test_a_sweeper_that_is_behind_sweeps_again_at_once(tmp_path: Path) -> None:
    """6,000 reservations fall due at once: released in back-to-back sweeps, not one sweep an interval."""
    from central.storage.expiry_rows import SWEEP_LIMIT

    interval_s = 20.0
    async with running_central(
        tmp_path / "central.sqlite3", reservation_ttl_s=0.2, sweep_interval_s=interval_s
    ) as rc:
        await _reserve_many(rc, 3 * SWEEP_LIMIT)

        async def all_released() -> None:
            assert _live_reservations(rc) == 0

        # Three full sweeps with a pause of the interval between them would need 40 s.
        await assert_eventually(all_released, timeout_s=interval_s / 2)
        await assert_catalog_is_the_database(rc, Stubs.on(rc.channel), await register(Stubs.on(rc.channel)))


async def test_a_short_hold_is_released_long_before_the_sweep_interval(tmp_path: Path) -> None:
    """A reservation held 0.3 s is released long before the sweep interval (20 s) comes round."""
    async with running_central(
        tmp_path / "central.sqlite3", reservation_ttl_s=0.3, sweep_interval_s=20.0
    ) as rc:
        await _reserve_many(rc, 1)
        assert _live_reservations(rc) == 1

        async def released() -> None:
            assert _live_reservations(rc) == 0

        await assert_eventually(released, timeout_s=5)
