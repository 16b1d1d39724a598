"""Inventory snapshots: each report replaces the branch's shelves and open alerts as a whole."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection

from central.branches.model import InventoryItem, LowStockAlert, check_inventory
from central.branches.schema import branch_alerts, branch_inventory
from nodekit.db.writer import WriteQueue


class InventoryBoard:
    """Keeps the latest inventory and open alerts of every branch."""

    def __init__(self, writer: WriteQueue, clock: Callable[[], datetime]) -> None:
        self._writer = writer
        self._clock = clock

    async def replace(
        self, branch_id: int, items: Sequence[InventoryItem], alerts: Sequence[LowStockAlert]
    ) -> None:
        """Stores the branch's snapshot in one transaction."""
        check_inventory(items, alerts)
        now = self._clock()
        await self._writer.run(lambda c: _replace(c, branch_id, items, alerts, now))


def _replace(
    connection: Connection,
    branch_id: int,
    items: Sequence[InventoryItem],
    alerts: Sequence[LowStockAlert],
    now: datetime,
) -> None:
    connection.execute(delete(branch_inventory).where(branch_inventory.c.branch_id == branch_id))
    connection.execute(delete(branch_alerts).where(branch_alerts.c.branch_id == branch_id))
    if items:
        connection.execute(
            insert(branch_inventory),
            [
                dict(
                    branch_id=branch_id,
                    product=item.product,
                    quantity=item.quantity,
                    unit_cost_cents=item.unit_cost_cents,
                    reorder_point=item.reorder_point,
                    reported_at=now,
                )
                for item in items
            ],
        )
    if alerts:
        connection.execute(
            insert(branch_alerts),
            [
                dict(
                    branch_id=branch_id,
                    product=alert.product,
                    quantity=alert.quantity,
                    reorder_point=alert.reorder_point,
                    raised_at=alert.raised_at,
                )
                for alert in alerts
            ],
        )
