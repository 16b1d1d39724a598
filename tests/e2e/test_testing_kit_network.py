"""The kit's network of real processes: links cut, slowed and restored, the central killed and restarted."""

from __future__ import annotations

import pytest

from distribution_testing.ledger import assert_ledger_holds
from distribution_testing.network import NetworkFactory
from distribution_testing.polling import until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


async def test_a_small_network_survives_a_cut_link_and_a_central_crash_and_loses_nothing(
    network: NetworkFactory,
) -> None:
    net = await network(manufacturers=2, branches=1, shoppers=2, seed=5)
    await net.wait_linked()
    month = await net.month()
    opened = await month.open()
    first = net.cast.manufacturers[0]

    await net.cut(first.slug)

    async def gone() -> bool:
        links = {info.name: info.connected for info in await net.operator.manufacturers()}
        return links[first.name] is False

    await until(gone, 30, f"{first.name} seen disconnected")
    net.slow(first.slug, 50)
    await net.restore(first.slug)
    await net.wait_linked()

    await net.kill_central()
    assert net.processes["central"].returncode is not None
    await net.restart_central()
    await net.wait_linked()
    await month.close()

    assert opened.offered_manufacturers
    await assert_ledger_holds(net.db_url, net.acknowledged_orders())
    assert "Traceback" not in net.log("central")
