"""Helpers for branch tests: the kit's bounded poll and month with stock, a branch's settings and set-ups."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from branch_node import low_stock, stock
from branch_node.node import Branch, start_branch
from branch_node.settings import BranchSettings
from branch_node.storage.schema import alerts
from central.testing import RunningCentral, running_central
from distribution_testing.months_setup import open_month_with_stock
from distribution_testing.polling import until as assert_eventually
from nodekit.timestamps import utcnow

__all__ = [
    "add_alert_in_checkout",
    "assert_eventually",
    "branch_settings",
    "open_month_with_stock",
    "stocked_branch",
]


def branch_settings(address: str, db_path: Path, **overrides: object) -> BranchSettings:
    """Test settings for branch ``north`` (key ``north-key``) with a fast day and no simulator."""
    values: dict[str, object] = dict(
        central=address,
        name="north",
        key="north-key",
        db_path=db_path,
        day_seconds=0.5,
        shoppers_per_day=5,
        simulate=False,
        reorder_point=3,
        reorder_quantity=10,
    )
    values.update(overrides)
    return BranchSettings(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def stocked_branch(tmp_path: Path) -> AsyncIterator[tuple[RunningCentral, Branch]]:
    """A central with a month of 100 apples, and branch north once its first apples are on the shelf."""
    async with running_central(branch_keys={"north": "north-key"}) as rc:
        await open_month_with_stock(rc.channel, rc.operator_token, {"apple": (100, 100)})
        branch = await start_branch(branch_settings(rc.address, tmp_path / "north.sqlite3"))
        try:

            async def stocked() -> bool:
                shelves = await branch.store.read(stock.shelves)
                return "apple" in shelves and not await branch.store.read(low_stock.open_alerts)

            await assert_eventually(stocked, 15, "first stock of apple")
            yield rc, branch
        finally:
            await branch.stop()


async def add_alert_in_checkout(branch: Branch) -> int:
    """A reorder of 2 apples caught between its reservation and its checkout; returns its alert id."""
    row = {
        "product": "apple",
        "quantity": 2,
        "reorder_point": 3,
        "raised_at": utcnow(),
        "state": "checkout",
        "attempt": 1,
        "order_id": "",
        "received": 0,
    }

    def insert_alert(connection: Connection) -> int:
        key = connection.execute(insert(alerts).values(**row)).inserted_primary_key
        assert key is not None
        return int(key[0])

    return await branch.store.write(insert_alert)
