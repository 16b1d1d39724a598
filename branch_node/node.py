"""Composition root of a branch: database, central link, stream, back office, point of sale."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import grpc

from branch_node import sales_outbox
from branch_node.headquarters import Headquarters
from branch_node.month_gate import MonthGate
from branch_node.office import BackOffice
from branch_node.settings import BranchSettings
from branch_node.simulator import PointOfSale
from branch_node.storage.store import Store, open_store
from branch_node.stream import SalesStream
from nodekit.channel import open_channel
from nodekit.refusals import CredentialsRefused
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

    async def until_stopped(self, stop: asyncio.Event) -> CredentialsRefused | None:
        """Waits for ``stop``; returns early with the refusal if the central refuses the branch's credentials.

        A part that ends otherwise (the simulator after its days) leaves the others running.
        """
        stopping = asyncio.create_task(stop.wait(), name="stop-signal")
        waiting: set[asyncio.Task[Any]] = {stopping, *self.tasks}
        try:
            while not stopping.done():
                done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                for task in done - {stopping}:
                    error = None if task.cancelled() else task.exception()
                    if isinstance(error, CredentialsRefused):
                        return error
                    if error is not None:
                        logger.error("%s stopped: %s", task.get_name(), error, exc_info=error)
            return None
        finally:
            stopping.cancel()

    async def stop(self) -> None:
        """Stops selling, gives the stream a moment to deliver what is left, closes everything."""
        for task in self.tasks[1:]:
            task.cancel()
        if not self.tasks[0].done():
            last = await self.store.read(sales_outbox.last_sequence)
            await self.stream.wait_acked(last, DRAIN_S)
        self.tasks[0].cancel()
        for task in self.tasks:
            # A refusal was reported by ``until_stopped``; stopping is what it asked for.
            with contextlib.suppress(asyncio.CancelledError, CredentialsRefused):
                await task
        await self.channel.close()
        await self.store.close()
        logger.info("branch %s stopped", self.settings.name)


async def start_branch(settings: BranchSettings, clock: Callable[[], datetime] = utcnow) -> Branch:
    """Opens the database and starts streaming, the back office and (unless off) the simulator."""
    store = await open_store(settings.db_path)
    channel = open_channel(settings.central, settings.tls)
    hq = Headquarters(channel, settings.key, name=settings.name)
    stream = SalesStream(store, channel, settings.key, clock, name=settings.name)
    office = BackOffice(store, hq, stream, settings, clock)
    pos = PointOfSale(store, settings, clock, on_sale=stream.notify, on_alert=office.wake, gate=MonthGate(hq))
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
