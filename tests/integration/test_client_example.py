"""The programmer's example of docs/client.md: strict mypy knows its types, and it shops for real."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

from central.testing import running_central
from distribution_client import OfferLine, connect
from tests.processes import ROOT, node_env

EXAMPLE = ROOT / "docs" / "examples" / "shop_client.py"
RUN_S = 60.0

# Every call's return type, as strict mypy must infer it (assert_type fails the check otherwise).
TYPES = """
from typing import assert_type

from distribution_client import (
    BranchAlert, Cart, CartLine, Catalog, CheckoutResult, ManufacturerInfo, MonthStatus, OpenedMonth, Order,
    Registration, connect,
)


async def check() -> None:
    async with connect("127.0.0.1:1") as central:
        shopper = central.shopper()
        assert_type(await shopper.register("a", None), Registration)
        assert_type(await shopper.catalog(), Catalog)
        assert_type(await shopper.add_item(1, 1), CartLine)
        assert_type(await shopper.remove_item(1), int)
        assert_type(await shopper.cart(), Cart)
        assert_type(await shopper.checkout("k"), CheckoutResult)
        assert_type(await shopper.orders(), list[Order])
        operator = central.operator("key")
        assert_type(await operator.open_month(), OpenedMonth)
        assert_type(await operator.month_status(), MonthStatus)
        assert_type(await operator.manufacturers(), tuple[ManufacturerInfo, ...])
        assert_type(await operator.low_stock_alerts(), tuple[BranchAlert, ...])
"""


def test_strict_mypy_knows_every_type_of_the_example_and_of_the_calls(tmp_path: Path) -> None:
    typed = tmp_path / "typed_calls.py"
    typed.write_text(textwrap.dedent(TYPES))
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(EXAMPLE), str(typed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_S * 3,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_the_example_buys_the_cheapest_line_from_a_running_central() -> None:
    async with running_central(manufacturer_keys={"Acme": "acme-key"}) as rc, connect(rc.address) as client:
        operator = client.operator(rc.operator_token)
        opened = await operator.open_month(offer_deadline_ms=1)
        await operator.submit_offer(
            "Acme", opened.month, [OfferLine("jam", 5, 300), OfferLine("tea", 5, 150)]
        )
        example = await asyncio.create_subprocess_exec(
            sys.executable,
            str(EXAMPLE),
            rc.address,
            "Ada",
            env=node_env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(example.communicate(), RUN_S)
        finally:
            if example.returncode is None:
                example.kill()
                await example.wait()
        assert (example.returncode, err.decode()) == (0, "")
        assert out.decode().splitlines()[0] == "1 x tea from Acme at 150 cents"
        status = await operator.month_status()
        assert status.order_count == 1
        assert {line.product: line.sold for line in status.stock_lines} == {"jam": 0, "tea": 1}
