"""A running central: its server, port and parts (tests reach in through these), and its orderly stop."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import grpc
from grpc_health.v1 import health
from sqlalchemy.ext.asyncio import AsyncEngine

from central.link import LinkRegistry
from central.service.accounts import Accounts
from central.service.book import StockBook
from central.service.cart import Cart
from central.service.catalog import Catalog
from central.service.checkout import Checkout
from central.service.database_watch import DatabaseWatch
from central.service.expiry import ExpirySweeper
from central.service.months import MonthDesk
from central.settings import CentralSettings
from central.storage.feed import ChangeFeed
from nodekit.db.writer import WriteQueue
from nodekit.drain import Drain
from nodekit.health import set_serving

logger = logging.getLogger(__name__)


@dataclass
class Central:
    """A running central: its server, port and parts (tests reach in through these)."""

    settings: CentralSettings
    server: grpc.aio.Server
    port: int
    engine: AsyncEngine
    writer: WriteQueue
    book: StockBook
    clock: Callable[[], datetime]
    accounts: Accounts
    months: MonthDesk
    cart: Cart
    checkout: Checkout
    catalog: Catalog
    sweeper: ExpirySweeper
    health: health.aio.HealthServicer
    links: LinkRegistry
    drain: Drain
    feed: ChangeFeed | None = None
    watch: DatabaseWatch | None = None
    stopped: bool = False

    async def stop(self, grace_s: float | None = None) -> None:
        """NOT_SERVING, drain in-flight calls, stop background work, close the database.

        New calls are refused UNAVAILABLE and streams end at once; the calls in flight
        get their real answers within the grace (see ``nodekit.drain``).
        """
        if self.stopped:
            return
        self.stopped = True
        grace = self.settings.drain_grace_s if grace_s is None else grace_s
        deadline = time.monotonic() + grace
        await set_serving(self.health, False)
        self.drain.close()
        # Manufacturer streams never end by themselves; end them so draining need not wait.
        self.links.close_all()
        if not await self.drain.stop_server(self.server, deadline):
            logger.warning("%d call(s) still running after %.1fs were cancelled", self.drain.in_flight, grace)
        if self.watch is not None:
            await self.watch.stop()
        if self.feed is not None:
            await self.feed.stop()
        await self.sweeper.stop()
        await self.months.stop()
        await self.writer.stop()
        await self.engine.dispose()
        logger.info("central stopped")
