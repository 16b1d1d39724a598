"""A month whose lines sell out at different centrals closes as sold out, within a second, once.

Three real centrals on one PostgreSQL: every line's last unit is sold at
another central, the last sales at the same moment, so no central's own sales
cover the month. Whichever central sees the month sold out first closes it;
the others find it closed.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from generated.distribution.v1 import common_pb2, order_pb2
from tests.helpers import assert_eventually
from tests.several_centrals import Centrals, several_centrals
from tests.several_centrals_calls import (
    CALL_S,
    Metadata,
    add_request,
    assert_ledger,
    month_status,
    open_month,
    register,
    visible_everywhere,
)

pytestmark = pytest.mark.several_centrals

# The bound: the month closes within a second of its last sale.
CLOSED_WITHIN_S = 1.0
LINES = {"jam": 2, "tea": 3, "oil": 2}


async def buy(
    centrals: Centrals, at: int, who: Metadata, line: int, units: int, key: str, pay_at: int | None = None
) -> str:
    """Reserves ``units`` of ``line`` at central ``at`` and checks out at ``pay_at`` (the same when None)."""
    await centrals.stubs(at).cart.AddCartItem(add_request(line, units), metadata=who, timeout=CALL_S)
    reply = await centrals.stubs(at if pay_at is None else pay_at).orders.Checkout(
        order_pb2.CheckoutRequest(idempotency_key=f"sold-out-{key}"), metadata=who, timeout=CALL_S
    )
    return str(reply.order.order_id)


@pytest.mark.parametrize("together", [True, False], ids=["last-sales-at-once", "last-sales-in-turn"])
async def test_lines_sold_out_at_different_centrals_close_the_month(
    server: str, tmp_path: Path, together: bool
) -> None:
    async with several_centrals(server, tmp_path) as centrals:
        month, lines = await open_month(centrals, 0, LINES)
        await visible_everywhere(centrals, month, lines)
        buyers = [await register(centrals.stubs(i), f"buyer-{i}") for i in range(3)]
        products = list(LINES)
        orders = []
        # All but the last unit of each line, each line at another central than its last unit.
        for i, product in enumerate(products):
            at = (i + 1) % 3
            orders.append(
                await buy(centrals, at, buyers[at], lines[product], LINES[product] - 1, f"first-{i}")
            )
        status = await month_status(centrals, 0, month)
        assert status.state == common_pb2.MONTH_STATE_OPEN
        # The last unit of every line, each at its own central: at once, or one after another with
        # the checkout at yet another central than the reservation.
        if together:
            orders += await asyncio.gather(
                *(buy(centrals, i, buyers[i], lines[p], 1, f"last-{i}") for i, p in enumerate(products))
            )
        else:
            for i, p in enumerate(products):
                orders.append(await buy(centrals, i, buyers[i], lines[p], 1, f"last-{i}", pay_at=(i + 2) % 3))
        last_sale = time.monotonic()

        async def closed_everywhere() -> None:
            for at in range(3):
                status = await month_status(centrals, at, month)
                assert (status.state, status.close_reason) == (common_pb2.MONTH_STATE_CLOSED, "sold_out")

        await assert_eventually(closed_everywhere, timeout_s=CLOSED_WITHIN_S, interval_s=0.02)
        print(f"month closed as sold out {time.monotonic() - last_sale:.3f}s after the last sale")
        await assert_ledger(centrals, orders)
        closes = sum(node.log_text().count(f"month {month} closed (sold_out)") for node in centrals.nodes)
        assert closes == 1, centrals.logs()
