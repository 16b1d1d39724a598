"""An outside tester's suite: a client under test against the kit's network of real processes.

"My client" here is the code a tester writes on distribution_client; the network, the
scripted manufacturer, the cut link and the ledger check come from the installed kit.
"""

from __future__ import annotations

from distribution_client import Card, CentralClient, DepletionNotice, Shopper, connect
from distribution_testing.cutting_proxy import CuttingProxy
from distribution_testing.ledger import assert_ledger_holds
from distribution_testing.network import NetworkFactory
from distribution_testing.plugin import MANUFACTURER
from distribution_testing.scripted import ScriptedManufacturer

CHECKOUT = "/distribution.v1.OrderService/Checkout"


async def buy_all(client: CentralClient, product: str, key: str) -> str:
    """The client under test: registers, puts every unit of ``product`` in the cart, checks out once."""
    shopper: Shopper = client.shopper()
    await shopper.register("tester", Card("4242 4242 4242 4242", 12, 2031))
    line = next(line for line in (await shopper.catalog()).lines if line.product == product)
    await shopper.add_item(line.stock_line_id, line.available)
    return (await shopper.checkout(key)).order.order_id


async def test_a_sold_out_notice_reaches_the_scripted_manufacturer(network: NetworkFactory) -> None:
    net = await network(manufacturers=1, shoppers=0, seed=7, manufacturer_keys=dict([MANUFACTURER]))
    async with connect(net.address) as client:
        scripted = ScriptedManufacturer(client.manufacturer_link(MANUFACTURER[1], MANUFACTURER[0]))
        scripted.offer({"kit-jam": (3, 250)})
        await scripted.connect()
        try:
            await net.wait_linked()
            await (await net.month()).open()
            order_id = await buy_all(client, "kit-jam", "order-jam-0001")
            notice = await scripted.wait_for_notice(
                lambda n: isinstance(n, DepletionNotice) and n.product == "kit-jam", what="kit-jam sold out"
            )
            assert isinstance(notice, DepletionNotice)
            assert notice.quantity_sold == 3
        finally:
            await scripted.close()
    await assert_ledger_holds(net.db_url, [order_id])


async def test_a_checkout_retried_through_a_cut_link_sells_once(network: NetworkFactory) -> None:
    net = await network(manufacturers=1, shoppers=0, seed=7, manufacturer_keys=dict([MANUFACTURER]))
    async with connect(net.address) as client:
        scripted = ScriptedManufacturer(client.manufacturer_link(MANUFACTURER[1], MANUFACTURER[0]))
        scripted.offer({"kit-tea": (2, 100)})
        await scripted.connect()
        try:
            await net.wait_linked()
            await (await net.month()).open()
        finally:
            await scripted.close()
    proxy = CuttingProxy(net.address)
    await proxy.start()
    try:
        # The first checkout commits at the central, then its answer is cut on the way back.
        proxy.cut(CHECKOUT, "cancel")
        async with connect(proxy.address) as client:
            order_id = await buy_all(client, "kit-tea", "order-tea-0001")
    finally:
        await proxy.close()
    assert proxy.calls[CHECKOUT] == 2
    status = await net.operator.month_status()
    assert [line.sold for line in status.stock_lines if line.product == "kit-tea"] == [2]
    assert status.order_count == 1
    await assert_ledger_holds(net.db_url, [order_id])
