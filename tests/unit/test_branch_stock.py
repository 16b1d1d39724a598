"""Branch stock operations on a real branch database: no negative stock, outbox, one alert per crossing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select, update
from sqlalchemy.engine import Connection

from branch_node import business_days, low_stock, sales_outbox, stock
from branch_node.storage.schema import alerts, inventory, lost_sales, outbox, stock_movements
from branch_node.storage.store import Store, open_store
from branch_node.till import Till, sell

NOW = datetime(2025, 3, 4, 12, tzinfo=UTC)
DAY = "2025-03-04"


def till(payment: str = "cash") -> Till:
    return Till(NOW, DAY, "ON", payment, "Ava")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(tmp_path / "branch.sqlite3")
    # apple costs 100, sells at 140; pear costs 200, sells at 280; reorder at 3, buy 10.
    await opened.write(lambda c: stock.stock_products(c, [("apple", 100), ("pear", 200)], 40, 3, 10, NOW))
    await opened.write(lambda c: _set_stock(c, apple=6, pear=6))
    await opened.write(lambda c: c.execute(update(alerts).values(state="received")))
    yield opened
    await opened.close()


def _set_stock(connection: Connection, **quantities: int) -> None:
    for product, quantity in quantities.items():
        connection.execute(update(inventory).where(inventory.c.product == product).values(quantity=quantity))


def _count(table: Table) -> Callable[[Connection], int]:
    return lambda c: int(c.execute(select(func.count()).select_from(table)).scalar_one())


async def test_a_new_product_starts_empty_with_one_stocking_alert(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "b.sqlite3")
    try:
        added = await store.write(lambda c: stock.stock_products(c, [("kiwi", 50)], 40, 3, 10, NOW))
        again = await store.write(lambda c: stock.stock_products(c, [("kiwi", 60)], 40, 3, 10, NOW))
        shelf = (await store.read(stock.shelves))["kiwi"]
        assert (added, again) == (1, 0)
        assert (shelf.quantity, shelf.unit_cost_cents, shelf.unit_price_cents) == (0, 50, 70)
        assert [a.product for a in await store.read(low_stock.open_alerts)] == ["kiwi"]
    finally:
        await store.close()


async def test_a_sale_writes_transaction_tax_and_outbox_in_one_go(store: Store) -> None:
    outcome = await store.write(lambda c: sell(c, [("apple", 2), ("pear", 1)], till()))
    sale = outcome.sale
    assert sale is not None and sale.sequence == 1
    assert (sale.subtotal_cents, sale.tax_cents, sale.total_cents) == (560, 73, 633)
    pending = await store.read(lambda c: sales_outbox.pending_sales(c, 0, 10))
    assert pending == [sale]
    shelves = await store.read(stock.shelves)
    assert (shelves["apple"].quantity, shelves["pear"].quantity) == (4, 5)


async def test_a_sale_never_takes_stock_below_zero_and_the_rest_is_a_lost_sale(store: Store) -> None:
    outcome = await store.write(lambda c: sell(c, [("apple", 7), ("pear", 2)], till()))
    assert outcome.sale is not None
    assert [item.product for item in outcome.sale.items] == ["pear"]
    assert [(lost.product, lost.requested, lost.available) for lost in outcome.lost] == [("apple", 7, 6)]
    nothing = await store.write(lambda c: sell(c, [("apple", 9)], till()))
    assert nothing.sale is None
    assert await store.read(_count(lost_sales)) == 2
    assert (await store.read(stock.shelves))["apple"].quantity == 6
    assert await store.read(_count(outbox)) == 1


async def test_crossing_the_reorder_point_raises_exactly_one_alert(store: Store) -> None:
    raised = []
    for _ in range(3):  # 6 -> 4 -> 2 (crossing) -> 0
        outcome = await store.write(lambda c: sell(c, [("apple", 2)], till()))
        raised.append(outcome.alerts_raised)
    assert raised == [0, 1, 0]
    open_now = await store.read(low_stock.open_alerts)
    assert [(a.product, a.quantity, a.reorder_point) for a in open_now] == [("apple", 2, 3)]
    # Goods arrive: stock-in, alert closed; a second receive of the same alert books nothing.
    alert_id = open_now[0].alert_id
    assert await store.write(lambda c: low_stock.receive(c, alert_id, "apple", 10, "o-1", DAY, NOW))
    assert not await store.write(lambda c: low_stock.receive(c, alert_id, "apple", 10, "o-1", DAY, NOW))
    assert (await store.read(stock.shelves))["apple"].quantity == 10
    assert await store.read(low_stock.open_alerts) == []


async def test_write_off_is_a_loss_at_cost_and_the_day_closes_with_its_figures(store: Store) -> None:
    sold = await store.write(lambda c: sell(c, [("pear", 1)], till()))
    loss = await store.write(lambda c: stock.write_off(c, "apple", 9, "damaged", DAY, NOW))
    assert loss == 600  # only the 6 on hand, at cost 100
    kinds = await store.read(
        lambda c: sorted(c.execute(select(stock_movements.c.kind, stock_movements.c.quantity)).all())
    )
    assert kinds == [("adjustment", -6), ("sale", -1)]
    figures = await store.write(lambda c: business_days.close_day(c, date(2025, 3, 4)))
    assert sold.sale is not None
    assert (figures.business_day, figures.revenue_cents, figures.loss_cents) == (
        DAY,
        sold.sale.total_cents,
        600,
    )
    assert (figures.transaction_count, figures.last_sequence) == (1, 1)
    assert await store.read(lambda c: business_days.current_day(c, date(2025, 3, 4))) == "2025-03-05"


async def test_a_product_at_or_below_its_point_with_nothing_on_order_gets_one_alert(store: Store) -> None:
    # A reorder filled only in part left apple at 3, its reorder point: no crossing will come.
    await store.write(lambda c: _set_stock(c, apple=3, pear=4))
    assert await store.write(lambda c: low_stock.raise_due_alerts(c, NOW)) == 1
    assert await store.write(lambda c: low_stock.raise_due_alerts(c, NOW)) == 0  # one at a time
    (alert,) = await store.read(low_stock.open_alerts)
    assert (alert.product, alert.quantity, alert.reorder_point, alert.state) == ("apple", 3, 3, "open")


async def test_a_purchase_books_every_unit_it_holds_and_closes_its_alert_once(store: Store) -> None:
    await store.write(lambda c: _set_stock(c, apple=2))
    await store.write(lambda c: low_stock.raise_due_alerts(c, NOW))
    (alert,) = await store.read(low_stock.open_alerts)
    bought = {"apple": 10, "pear": 7}

    def book(c: Connection) -> bool:
        return low_stock.book_purchase(c, alert.alert_id, bought, "o-2", DAY, NOW)

    assert await store.write(book)
    assert not await store.write(book)
    shelves = await store.read(stock.shelves)
    assert (shelves["apple"].quantity, shelves["pear"].quantity) == (12, 13)
    stock_ins = await store.read(
        lambda c: sorted(
            c.execute(
                select(stock_movements.c.product, stock_movements.c.quantity).where(
                    stock_movements.c.kind == "stock_in"
                )
            ).all()
        )
    )
    assert stock_ins == [("apple", 10), ("pear", 7)]
