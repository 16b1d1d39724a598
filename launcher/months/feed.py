"""Polls what the month driver does not ask the central for: links, low-stock alerts, branch figures."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from distribution_client import ManufacturerInfo
from launcher.records.snapshots import BranchAlertFigures, BranchDay
from launcher.screen.board import Board
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)

# Four polls a second: the ticker sees a link drop or a notice acknowledged while it is news.
FEED_INTERVAL_S = 0.25


class FeedSource(Protocol):
    """The operator reads the feed makes (OperatorClient; a fake in tests)."""

    async def manufacturers(self) -> list[ManufacturerInfo]: ...

    async def low_stock_alerts(self) -> tuple[BranchAlertFigures, ...]: ...

    async def branch_revenue(self) -> tuple[BranchDay, ...]: ...


async def follow_central(
    client: FeedSource, board: Board, with_branches: bool, interval_s: float = FEED_INTERVAL_S
) -> None:
    """Feeds the board until cancelled; a failed poll marks the central down and is tried again."""
    while True:
        try:
            board.links_seen(await client.manufacturers())
            if with_branches:
                board.alerts_seen(await client.low_stock_alerts())
                board.branches_seen(await client.branch_revenue())
            board.central_seen(True)
        except RemoteError as error:
            logger.info("dashboard poll failed: %s", error.code.name)
            board.central_seen(False)
        await asyncio.sleep(interval_s)
