"""Keeps a CatalogView fresh from the WatchCatalog stream, reconnecting when the stream breaks."""

from __future__ import annotations

import asyncio
import logging
from contextlib import aclosing

import grpc

from customer_node.catalog import CatalogView
from customer_node.session import Session
from nodekit.retry import MAX_DELAY_S, Backoff, is_transient
from nodekit.status import from_rpc_error

logger = logging.getLogger(__name__)


class CatalogFollower:
    """Follows the live catalog into ``view`` and sets ``changed`` after every message.

    Args:
        session: The customer's client.
        view: The view to keep up to date.
        watch_timeout_s: Deadline of one watch call; a new watch (with a fresh snapshot)
            starts when it passes, so the deadline bounds nothing the customer cares about.
    """

    def __init__(self, session: Session, view: CatalogView, watch_timeout_s: float) -> None:
        self._session = session
        self._watch_timeout_s = watch_timeout_s
        self.view = view
        self.changed = asyncio.Event()

    async def run(self) -> None:
        """Follows the catalog until cancelled.

        Raises:
            nodekit.status.RemoteError: When the central refuses the watch (e.g. the token is
                unknown) or stays UNAVAILABLE for ``MAX_DELAY_S``.
        """
        # Every new watch waits first, also after one the central ended cleanly: a central that
        # ends streams at once (e.g. while shutting down) is then not met in a tight loop.
        backoff = Backoff(give_up_s=MAX_DELAY_S)
        while True:
            try:
                await self._watch_once(backoff)
            except grpc.aio.AioRpcError as error:
                if not is_transient(error) or backoff.exhausted():
                    raise from_rpc_error(error) from error
                logger.info("catalog watch failed (%s); retrying", error.code().name)
            await asyncio.sleep(backoff.next_wait())

    async def _watch_once(self, backoff: Backoff) -> None:
        """One watch: returns when it ends after delivering messages, raises if it delivered none."""
        received = 0
        try:
            # aclosing: cancelling the follower must cancel the call at once, not at GC time.
            async with aclosing(self._session.watch_catalog(self._watch_timeout_s)) as updates:
                async for update in updates:
                    if not received:
                        backoff.connected()
                    received += 1
                    self.view.apply(update)
                    if update.snapshot:
                        logger.info(
                            "catalog: month %d %s, %d line(s) on sale",
                            self.view.month,
                            self.view.state.value,
                            len(self.view),
                        )
                    self.changed.set()
        except grpc.aio.AioRpcError as error:
            if received == 0:
                raise
            logger.info("catalog stream ended (%s: %s); reconnecting", error.code().name, error.details())
            return
        logger.info("catalog stream closed by the central; reconnecting")

    async def wait_for_change(self) -> None:
        """Returns after the next catalog message (callers re-check their condition)."""
        self.changed.clear()
        await self.changed.wait()
