"""Centrals follow each other's counters at a bounded rate and hear only edges, and stay truthful.

Three real centrals on one PostgreSQL. A commit that only moves a line's
counters sends no notice; the others' catalogs show it within the refresh
bound all the same. A line left with nothing to reserve is announced at once.
A follower whose book still says "nothing left" never refuses on that: the
database's conditional write decides.
"""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path

import asyncpg
import pytest

from central.storage.changes import CHANNEL
from central.storage.stock_rows import CHANGED_COUNTERS_SQL
from generated.distribution.v1 import cart_pb2, catalog_pb2
from tests.helpers import assert_eventually
from tests.several_centrals import Centrals, several_centrals
from tests.several_centrals_calls import (
    CALL_S,
    COHERENT_S,
    add_request,
    assert_ledger,
    open_month,
    register,
    visible_everywhere,
)

pytestmark = pytest.mark.several_centrals

NOTICE_WAIT_S = 10.0


async def available_at(centrals: Centrals, at: int, line_id: int) -> int:
    """The units central ``at``'s catalog lists as available on the line (0 when not listed)."""
    listed = await centrals.stubs(at).catalog.ListStockLines(
        catalog_pb2.ListStockLinesRequest(), metadata=centrals.operator_metadata, timeout=CALL_S
    )
    return next((int(line.available) for line in listed.stock_lines if line.stock_line_id == line_id), 0)


async def test_other_centrals_sales_reach_a_followers_catalog_within_the_bound_without_a_notice(
    server: str, tmp_path: Path
) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        month, lines = await open_month(centrals, 0, {"jam": 10})
        await visible_everywhere(centrals, month, lines)
        jam = lines["jam"]
        heard: asyncio.Queue[dict[str, object]] = asyncio.Queue()
        listener = await asyncpg.connect(centrals.raw_url, timeout=CALL_S)
        try:
            await listener.add_listener(CHANNEL, lambda *args: heard.put_nowait(json.loads(args[3])))
            ann = await register(centrals.stubs(1), "ann")
            await centrals.stubs(1).cart.AddCartItem(add_request(jam, 3), metadata=ann, timeout=CALL_S)

            async def shown(at: int) -> None:
                assert await available_at(centrals, at, jam) == 7, f"central {at}"

            for at in (0, 2):
                await assert_eventually(functools.partial(shown, at), timeout_s=COHERENT_S)
            # The last seven units leave nothing to reserve: an edge, announced with its counters.
            await centrals.stubs(2).cart.AddCartItem(add_request(jam, 7), metadata=ann, timeout=CALL_S)
            first = await asyncio.wait_for(heard.get(), NOTICE_WAIT_S)
        finally:
            await listener.close()
        # Notices come in commit order: the first one heard is the edge's, so the reserve of three
        # (counters moved, nothing else) sent none.
        assert first["lines"] == [jam], first
        assert first["counts"] == [[jam, 10, 10, 0, first["counts"][0][4]]], first  # type: ignore[index]
        for at in (0, 1):
            await assert_eventually(functools.partial(_none_left, centrals, at, jam), timeout_s=COHERENT_S)


async def _none_left(centrals: Centrals, at: int, line_id: int) -> None:
    assert await available_at(centrals, at, line_id) == 0, f"central {at}"


async def test_a_follower_whose_book_says_nothing_left_lets_the_database_decide(
    server: str, tmp_path: Path
) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        month, lines = await open_month(centrals, 0, {"tea": 2})
        await visible_everywhere(centrals, month, lines)
        tea = lines["tea"]
        ann = await register(centrals.stubs(1), "ann")
        bob = await register(centrals.stubs(0), "bob")
        for _ in range(5):
            await centrals.stubs(1).cart.AddCartItem(add_request(tea, 2), metadata=ann, timeout=CALL_S)
            # The edge reaches central 0: its book says nothing is left.
            await assert_eventually(functools.partial(_none_left, centrals, 0, tea), timeout_s=COHERENT_S)
            # Given back at central 1: counters moved, no notice; central 0's book lags until it reads.
            await centrals.stubs(1).cart.RemoveCartItem(
                cart_pb2.RemoveCartItemRequest(stock_line_id=tea), metadata=ann, timeout=CALL_S
            )
            await centrals.stubs(0).cart.AddCartItem(add_request(tea, 2), metadata=bob, timeout=CALL_S)
            await centrals.stubs(0).cart.RemoveCartItem(
                cart_pb2.RemoveCartItemRequest(stock_line_id=tea), metadata=bob, timeout=CALL_S
            )
        await assert_ledger(centrals)


async def test_the_refresh_reads_only_the_lines_that_moved_since_the_books_versions(
    server: str, tmp_path: Path
) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        month, lines = await open_month(centrals, 0, {"jam": 10, "tea": 5})
        await visible_everywhere(centrals, month, lines)
        jam, tea = lines["jam"], lines["tea"]
        db = await asyncpg.connect(centrals.raw_url, timeout=CALL_S)
        try:

            async def versions() -> dict[int, int]:
                rows = await db.fetch(
                    "SELECT stock_line_id, version FROM stock_lines WHERE month = $1", month
                )
                return {int(row[0]): int(row[1]) for row in rows}

            async def read(known: dict[int, int]) -> set[int]:
                rows = await db.fetch(CHANGED_COUNTERS_SQL, month, list(known), list(known.values()))
                return {int(row[0]) for row in rows}

            book = await versions()
            assert await read(book) == set()  # nothing moved: no row
            assert await read({}) == {jam, tea}  # lines the book lacks: every one
            ann = await register(centrals.stubs(1), "ann")
            await centrals.stubs(1).cart.AddCartItem(add_request(jam, 3), metadata=ann, timeout=CALL_S)
            assert await read(book) == {jam}  # the line that moved, and only it
            assert await read({tea: book[tea]}) == {jam}
            assert await read(await versions()) == set()
        finally:
            await db.close()
