"""A central outage the launcher caused on purpose: its own operator calls wait it out."""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Iterator

CHAOS = "chaos"


class Outage:
    """Open while the launcher has a central down (killed, not yet SERVING again).

    The month driver and the dashboard poll the centrals through one client; during a
    deliberate outage their calls wait for the restart instead of failing the run, while
    an outage nobody caused still fails them as before. Each ``begin`` names its cause
    (``CHAOS``, or the slug of a central the lecturer killed); with several centrals down
    at once the outage lasts until the last of them has ended.
    """

    def __init__(self) -> None:
        self._over = asyncio.Event()
        self._over.set()
        self._count = 0
        self._causes: collections.Counter[str] = collections.Counter()
        # The month driver's writes in flight: one cut by a kill would fail the run.
        self._writes = 0
        self._no_writes = asyncio.Event()
        self._no_writes.set()

    @property
    def count(self) -> int:
        """How many outages have begun so far."""
        return self._count

    @property
    def ongoing(self) -> bool:
        """True between ``begin`` and ``end``."""
        return not self._over.is_set()

    def begin(self, cause: str = CHAOS) -> None:
        """A central is about to be killed, by ``cause``."""
        self._count += 1
        self._causes[cause] += 1
        self._over.clear()

    def end(self, cause: str = CHAOS) -> None:
        """The central ``cause`` killed is SERVING again (or was not killed after all)."""
        if self._causes[cause] > 0:
            self._causes[cause] -= 1
        if not +self._causes:
            self._over.set()

    def caused_by(self, cause: str) -> bool:
        """True while an outage of ``cause`` is ongoing."""
        return self._causes[cause] > 0

    def since(self, count: int) -> bool:
        """True if an outage is ongoing or one began after ``count`` was read."""
        return self.ongoing or self._count != count

    async def wait_over(self) -> None:
        """Returns at once without an outage, else once it ends."""
        await self._over.wait()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Marks a write of the launcher's in flight (``begin_between_writes`` waits for it)."""
        self._writes += 1
        self._no_writes.clear()
        try:
            yield
        finally:
            self._writes -= 1
            if not self._writes:
                self._no_writes.set()

    async def begin_between_writes(self, cause: str) -> None:
        """``begin``, once no write of the launcher's is in flight (a new one then waits the outage out)."""
        while self._writes:
            await self._no_writes.wait()
        self.begin(cause)
