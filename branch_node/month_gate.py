"""Holds the walk-in shoppers while the central has the month paused (the lecturer's pause).

The branch learns it from the catalog listing it already reads (``month_paused``), asked at
most every ``CHECK_EVERY_S`` before a shopper comes in. A central out of reach pauses nothing:
the till works offline and its sales stream later, so the last answer stands.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

import grpc

from nodekit.status import RemoteError

logger = logging.getLogger(__name__)

CHECK_EVERY_S = 0.5
ASK_TIMEOUT_S = 2.0


class PauseSource(Protocol):
    """Where the gate asks (``Headquarters`` in the product)."""

    async def month_paused(self, timeout_s: float) -> bool: ...


class MonthGate:
    """Lets a walk-in shopper in unless the month is paused; waits for the resume otherwise.

    Args:
        source: The central's catalog listing.
        every_s: Least time between two questions.
        clock: Monotonic seconds.
    """

    def __init__(
        self, source: PauseSource, every_s: float = CHECK_EVERY_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._source = source
        self._every_s = every_s
        self._clock = clock
        self._paused = False
        self._asked_at: float | None = None
        self.holds = 0

    async def wait_until_running(self) -> None:
        """Returns at once while the month runs; while it is paused, once it resumes."""
        if not await self._is_paused():
            return
        self.holds += 1
        logger.info("month paused by the operator: walk-in shoppers wait")
        paused = True
        while paused:
            # The state is the central's: asked again after a while, there is no event to wait on here.
            await asyncio.sleep(self._every_s)
            paused = await self._is_paused()
        logger.info("month resumed: walk-in shoppers come in again")

    async def _is_paused(self) -> bool:
        now = self._clock()
        if self._asked_at is not None and now - self._asked_at < self._every_s:
            return self._paused
        self._asked_at = now
        try:
            self._paused = await self._source.month_paused(ASK_TIMEOUT_S)
        except (RemoteError, grpc.aio.AioRpcError) as error:
            logger.debug("could not ask whether the month is paused: %s", error)
        return self._paused
