"""The writer's adaptive gather: a batch that would go out small waits, a moment at most, for more.

Each batch's BEGIN, COMMIT and hand-overs cost the same whatever it holds, so when
several callers are active, the next batch waits for the callers the last batch
answered: they are on their way back. Only when others arrived while the last
batch was written, so a caller on its own, whose last batch held only itself,
never waits (like PostgreSQL's ``commit_delay``, which waits only with
``commit_siblings`` active).
"""

from __future__ import annotations

import asyncio

# At most this long a batch waits for the callers its last batch answered.
GATHER_WAIT_S = 0.001


class Gather:
    """What the last batch tells about the next one, and the wait for it."""

    def __init__(self, limit_s: float, max_batch: int) -> None:
        self._limit_s = limit_s
        self._max_batch = max_batch
        self._answered = 0
        self._arrived_while_writing = 0
        self._enough: asyncio.Future[None] | None = None
        self._wanted = 0
        # Batches that waited for more before going out.
        self.waits = 0

    def written(self, answered: int, arrived: int) -> None:
        """Notes a batch just written: the callers it answered, and those that arrived meanwhile."""
        self._answered, self._arrived_while_writing = answered, arrived

    def expected(self) -> int:
        """How many operations the next batch is worth waiting for (0: go at once)."""
        if not self._limit_s or not self._arrived_while_writing:
            return 0
        # Those that came while it was written are queued; those it answered are on their way.
        return min(self._arrived_while_writing + self._answered, self._max_batch)

    async def wait(self, wanted: int) -> None:
        """Waits until ``queued(n)`` has told of ``wanted`` operations, or the time limit has passed."""
        self.waits += 1
        loop = asyncio.get_running_loop()
        enough: asyncio.Future[None] = loop.create_future()
        self._enough, self._wanted = enough, wanted
        timer = loop.call_later(self._limit_s, _settle, enough)
        try:
            await enough
        finally:
            timer.cancel()
            self._enough = None

    def queued(self, count: int) -> None:
        """Told the operations queued now; ends the wait once there are enough."""
        if self._enough is not None and count >= self._wanted:
            _settle(self._enough)

    def stop(self) -> None:
        """Ends a wait at once: nobody more is coming."""
        if self._enough is not None:
            _settle(self._enough)


def _settle(enough: asyncio.Future[None]) -> None:
    if not enough.done():
        enough.set_result(None)
