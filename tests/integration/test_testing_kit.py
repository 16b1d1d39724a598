"""The testing kit's fixtures against the central in-process: scripted nodes, the month on command, ledger."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Awaitable, Callable

import pytest

from distribution_client import Card, DepletionNotice, MonthState, Operator, ReportNotice, Shopper, connect
from distribution_testing.central import RunningCentral
from distribution_testing.cutting_proxy import CuttingProxy
from distribution_testing.ledger import assert_ledger_holds, ledger_violations
from distribution_testing.months import MonthControl
from distribution_testing.scripted import ScriptedBranch, ScriptedManufacturer, sale
from distribution_testing.several_centrals import Centrals

CHECKOUT = "/distribution.v1.OrderService/Checkout"


async def line_of(shopper: Shopper, product: str) -> tuple[int, int]:
    """The line id and units available of ``product`` in the catalog."""
    line = next(line for line in (await shopper.catalog()).lines if line.product == product)
    return line.stock_line_id, line.available


async def test_the_scripted_manufacturer_offers_its_lines_and_keeps_every_notice(
    scripted_manufacturer: ScriptedManufacturer, month: MonthControl, shopper: Shopper
) -> None:
    scripted_manufacturer.offer({"jam": (2, 300), "tea": (5, 120)})

    opened = await month.open()
    catalog = await shopper.catalog()
    line_id, available = await line_of(shopper, "jam")
    await shopper.add_item(line_id, available)
    await shopper.checkout("kit-order-0001")
    sold_out = await scripted_manufacturer.wait_for_notice(lambda n: isinstance(n, DepletionNotice))
    await month.close()
    report = await scripted_manufacturer.wait_for_notice(lambda n: isinstance(n, ReportNotice))

    assert opened.offered_manufacturers == ("Acme",)
    assert sorted((line.product, line.available, line.unit_price_cents) for line in catalog.lines) == [
        ("jam", 2, 300),
        ("tea", 5, 120),
    ]
    assert sold_out == DepletionNotice(opened.month, line_id, "jam", 2)
    assert isinstance(report, ReportNotice) and report.month == opened.month
    assert scripted_manufacturer.offer_requests == [opened.month]


async def test_the_month_pauses_resumes_and_closes_on_command(
    scripted_manufacturer: ScriptedManufacturer, month: MonthControl
) -> None:
    scripted_manufacturer.offer({"jam": (1, 300)})
    await month.open()

    await month.pause()
    paused = await month.wait_seen(MonthState.OPEN, paused=True)
    await month.resume()
    await month.close()
    closed = await month.status()

    assert paused.paused
    assert closed.state is MonthState.CLOSED


async def test_the_scripted_branch_streams_chosen_sales_and_keeps_the_acks(
    scripted_branch: ScriptedBranch, central: RunningCentral
) -> None:
    sales = [sale(1, {"apple": (2, 100)}), sale(2, {"pear": (1, 250)})]

    await scripted_branch.send(*sales)
    await scripted_branch.send(sales[1])

    assert scripted_branch.resume_from == 0
    assert [(a.sequence, a.transaction_id, a.duplicate) for a in scripted_branch.acks] == [
        (1, "sale-1", False),
        (2, "sale-2", False),
        (2, "sale-2", True),
    ]
    await assert_ledger_holds(central.db_path, acknowledged_sales={"north": scripted_branch.acknowledged})


async def test_a_checkout_cut_after_its_commit_is_retried_with_its_key_and_sells_once(
    scripted_manufacturer: ScriptedManufacturer,
    month: MonthControl,
    cutting_proxy: CuttingProxy,
    central: RunningCentral,
    operator: Operator,
) -> None:
    scripted_manufacturer.offer({"tea": (3, 120)})
    await month.open()
    cutting_proxy.cut(CHECKOUT, "cancel")

    async with connect(cutting_proxy.address) as client:
        buyer = client.shopper()
        await buyer.register("cut-buyer", Card("4242 4242 4242 4242", 12, 2031))
        line_id, _ = await line_of(buyer, "tea")
        await buyer.add_item(line_id, 2)
        result = await buyer.checkout("kit-order-0002")
    status = await operator.month_status()

    assert cutting_proxy.calls[CHECKOUT] == 2
    assert status.order_count == 1
    assert [line.sold for line in status.stock_lines] == [2]
    await assert_ledger_holds(central.db_path, [result.order.order_id])


async def test_the_ledger_check_names_a_broken_line_and_a_missing_order(
    scripted_manufacturer: ScriptedManufacturer, month: MonthControl, central: RunningCentral
) -> None:
    scripted_manufacturer.offer({"jam": (4, 300)})
    await month.open()
    assert await ledger_violations(central.db_path) == []

    with contextlib.closing(sqlite3.connect(central.db_path)) as db, db:
        db.execute("UPDATE stock_lines SET sold = 1 WHERE product = 'jam'")
    found = await ledger_violations(f"sqlite+aiosqlite:///{central.db_path}", ["no-such-order"])

    assert any("sold 1 but 0 ordered" in line for line in found), found
    assert any("1 of 1 acknowledged orders missing, e.g. no-such-order" in line for line in found), found


@pytest.mark.kit_postgres
async def test_on_postgresql_the_same_checks_hold(
    scripted_manufacturer: ScriptedManufacturer,
    month: MonthControl,
    shopper: Shopper,
    central: RunningCentral,
) -> None:
    scripted_manufacturer.offer({"jam": (2, 300)})
    await month.open()
    line_id, available = await line_of(shopper, "jam")
    await shopper.add_item(line_id, available)
    result = await shopper.checkout("kit-order-0003")

    assert central.db_url.startswith("postgresql+asyncpg://")
    await assert_ledger_holds(central.db_url, [result.order.order_id])
    assert await ledger_violations(central.db_url, ["never-acknowledged"]) == [
        "1 of 1 acknowledged orders missing, e.g. never-acknowledged"
    ]


async def test_several_centrals_share_one_postgresql_and_one_ledger(
    centrals_on_postgres: Callable[..., Awaitable[Centrals]],
) -> None:
    group = await centrals_on_postgres(2)
    async with connect(group[0].address) as first, connect(group[1].address) as second:
        opened = await first.operator(group.operator_key).open_month(offer_deadline_ms=1)
        seen = await second.operator(group.operator_key).month_status()

    assert seen.month == opened.month
    await group.restart(1)
    assert group[1].starts == 2
    await assert_ledger_holds(group.db_url)
