"""Three real centrals on one PostgreSQL: offers and notices reach a manufacturer wherever it is connected.

Each test starts three ``python -m central`` processes on a fresh database of
the worker's throwaway server (``tests.several_centrals``), spreads its calls
over them, and checks the rows afterwards (``tests.pg_ledger``). Status codes
of every call are collected: a conflict between centrals (deadlock,
serialization failure) must be retried inside the central, never answered.

A notice reaches its manufacturer within 1 s, wherever it is connected.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from generated.distribution.v1 import (
    common_pb2,
    month_pb2,
)
from tests.helpers import assert_eventually
from tests.integration.test_manufacturer_link import FakeManufacturer
from tests.pg_ledger import fetch
from tests.several_centrals import several_centrals
from tests.several_centrals_calls import (
    CALL_S,
    COHERENT_S,
    KEYS,
    NOTICE_S,
    add_request,
    assert_ledger,
    checkout_request,
    close_month,
    in_task,
    month_status,
    reason_of,
    register,
)

pytestmark = pytest.mark.several_centrals


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
