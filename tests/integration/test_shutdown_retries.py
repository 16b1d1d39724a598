"""Checkouts cut by a stopping central: the clients repeat them with their key and buy once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from branch_node import stock
from branch_node.headquarters import Headquarters
from branch_node.reorder import Reorderer
from branch_node.storage.store import open_store
from central.testing import RunningCentral, running_central
from customer_node.catalog import CatalogView
from customer_node.cli import SimulateSettings, simulated_card
from customer_node.node import sign_in_patiently
from customer_node.session import Session
from customer_node.shop import ShopConsole
from nodekit.channel import open_channel
from nodekit.timestamps import utcnow
from tests.cutting_proxy import Cut, CuttingProxy
from tests.helpers import Stubs, open_month_with

CHECKOUT = "/distribution.v1.OrderService/Checkout"


@pytest.fixture
async def central() -> AsyncIterator[RunningCentral]:
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        yield rc


@pytest.fixture
async def proxy(central: RunningCentral) -> AsyncIterator[CuttingProxy]:
    front = CuttingProxy(central.address)
    await front.start()
    try:
        yield front
    finally:
        await front.close()


async def orders_of(central: RunningCentral, token: str) -> list[int]:
    """Units per order of the customer with ``token``, read from the central itself."""
    direct = Session(central.channel, 10.0, token=token)
    return [sum(line.quantity for line in order.lines) for order in await direct.list_orders()]


@pytest.mark.parametrize("how", ["cancel", "stop"])
async def test_a_shoppers_checkout_cut_by_a_shutdown_is_repeated_with_its_key(
    central: RunningCentral, proxy: CuttingProxy, how: Cut
) -> None:
    lines = await open_month_with(central, Stubs.on(central.channel), {"apple": 50})
    async with open_channel(proxy.address) as channel:
        session = Session(channel, 10.0)
        ann = await session.register("ann", simulated_card())
        await session.add_item(lines["apple"], 3)
        proxy.cut(CHECKOUT, how)
        checkout = asyncio.create_task(session.checkout("ann/month-1/basket-0"))
        if how == "stop":
            await asyncio.wait_for(proxy.holding.wait(), 10)
            await proxy.restart()  # the central stops mid-answer and comes back on its port
        reply = await asyncio.wait_for(checkout, 30)
        assert reply.replayed  # the first attempt had committed: the repeat returns its order
        assert [line.quantity for line in reply.order.lines] == [3]
        assert proxy.calls[CHECKOUT] == 2
        assert await orders_of(central, ann.token) == [3]


async def test_the_interactive_shops_checkout_cut_by_a_shutdown_buys_once(
    central: RunningCentral, proxy: CuttingProxy
) -> None:
    await open_month_with(central, Stubs.on(central.channel), {"apple": 50})
    async with open_channel(proxy.address) as channel:
        session = Session(channel, 10.0)
        reply = await session.register("bea", simulated_card())
        view = CatalogView()
        async for update in Session(central.channel, 10.0, token=reply.token).watch_catalog(10.0):
            view.apply(update)
            break
        said: list[str] = []
        console = ShopConsole(session, view, reply.customer_id, said.append)
        await console.handle("add 1 2")
        proxy.cut(CHECKOUT, "cancel")
        await console.handle("checkout")
        assert said[-2].startswith("order ") and said[-1].strip().startswith("2 x apple"), said
        assert await orders_of(central, reply.token) == [2]


async def test_a_branch_reorder_cut_by_a_shutdown_is_repeated_with_its_key_and_booked_once(
    central: RunningCentral, proxy: CuttingProxy, tmp_path: Path
) -> None:
    await open_month_with(central, Stubs.on(central.channel), {"apple": 50}, price=100)
    store = await open_store(tmp_path / "north.sqlite3")
    async with open_channel(proxy.address) as channel:
        try:
            hq = Headquarters(channel, "north-key")
            reorders = Reorderer(store, hq, "north", "4242424242424242", utcnow)
            await reorders.ensure_account()
            await store.write(lambda c: stock.stock_products(c, [("apple", 100)], 40, 3, 10, utcnow()))
            proxy.cut(CHECKOUT, "cancel")
            assert await reorders.run_once() == 1  # one pass: the cut checkout is repeated inside it
            assert (await store.read(stock.shelves))["apple"].quantity == 10
            assert proxy.calls[CHECKOUT] == 2
            assert await orders_of(central, hq.customer_token) == [10]
        finally:
            await store.close()


async def test_a_simulated_customer_signs_in_again_when_the_central_restarts_under_it(
    central: RunningCentral, proxy: CuttingProxy, tmp_path: Path
) -> None:
    register = "/distribution.v1.CustomerService/RegisterCustomer"
    settings = SimulateSettings(central=proxy.address, name="ann", seed=1, token_file=tmp_path / "ann.token")
    async with open_channel(proxy.address) as channel:
        session = Session(channel, 10.0)
        proxy.cut(register, "stop")
        signing_in = asyncio.create_task(sign_in_patiently(session, settings))
        await asyncio.wait_for(proxy.holding.wait(), 10)
        # The central stops with the registration's answer in flight: the customer hears UNAVAILABLE.
        await proxy.restart()
        await asyncio.wait_for(signing_in, 30)
        assert proxy.calls[register] == 2
        assert list((await session.get_cart()).lines) == []
    assert (tmp_path / "ann.token").read_text().strip()
