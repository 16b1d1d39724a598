"""Composition root of a branch: database, central link, stream, back office, point of sale."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import grpc

from branch_node import sales_outbox
from branch_node.headquarters import Headquarters
from branch_node.office import BackOffice
from branch_node.settings import BranchSettings
from branch_node.simulator import PointOfSale
from branch_node.storage.store import Store, open_store
from branch_node.stream import SalesStream
from nodekit.channel import open_channel
from nodekit.timestamps import utcnow

logger = logging.getLogger(__name__)

DRAIN_S = 2.0


@dataclass
class Branch:
    """A running branch; tests reach its parts through these fields."""

    settings: BranchSettings
    store: Store
    channel: grpc.aio.Channel
    hq: Headquarters
    stream: SalesStream
    office: BackOffice
    pos: PointOfSale
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    days_done: int = 0

    async def stop(self) -> None:
        """Stops selling, gives the stream a moment to deliver what is left, closes everything."""
        for task in self.tasks[1:]:
            task.cancel()
        last = await self.store.read(sales_outbox.last_sequence)
        await self.stream.wait_acked(last, DRAIN_S)
        self.tasks[0].cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.channel.close()
        await self.store.close()
        logger.info("branch %s stopped", self.settings.name)


async def start_branch(settings: BranchSettings, clock: Callable[[], datetime] = utcnow) -> Branch:
    """Opens the database and starts streaming, the back office and (unless off) the simulator."""
    store = await open_store(settings.db_path)
    channel = open_channel(settings.central)
    hq = Headquarters(channel, settings.key)
    stream = SalesStream(store, channel, settings.key, clock)
    office = BackOffice(store, hq, stream, settings, clock)
    pos = PointOfSale(store, settings, clock, on_sale=stream.notify, on_alert=office.wake)
    branch = Branch(settings, store, channel, hq, stream, office, pos)
    branch.tasks.append(asyncio.create_task(stream.run(), name="sales-stream"))
    branch.tasks.append(asyncio.create_task(office.run(), name="back-office"))
    if settings.simulate:
        branch.tasks.append(asyncio.create_task(_days(branch), name="point-of-sale"))
    logger.info("branch %s (%s) started, db %s", settings.name, settings.province, settings.db_path)
    return branch


async def _days(branch: Branch) -> None:
    while branch.settings.days == 0 or branch.days_done < branch.settings.days:
        await branch.pos.run_day()
        branch.days_done += 1
        branch.office.wake()
