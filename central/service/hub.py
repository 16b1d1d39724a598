"""Catalog change notification: one shared generation event, coalesced per watcher."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable


class CatalogHub:
    """Tracks which lines changed, so each watcher sends only what changed since its last look.

    ``changed`` is O(number of lines changed) no matter how many watchers there
    are; each watcher wakes on the shared event, waits a short coalescing
    window, and collects the lines whose version moved past its own.
    """

    def __init__(self) -> None:
        self.version = 0
        self.line_versions: dict[int, int] = {}
        self._event = asyncio.Event()

    def changed(self, stock_line_ids: Iterable[int]) -> None:
        """Records that these lines changed and wakes the watchers."""
        self.version += 1
        for stock_line_id in stock_line_ids:
            self.line_versions[stock_line_id] = self.version
        self._event.set()
        self._event = asyncio.Event()

    def month_changed(self) -> None:
        """Records a month transition: every watcher re-sends a snapshot."""
        self.line_versions.clear()
        self.changed(())

    async def wait(self, seen_version: int) -> None:
        """Returns once the hub's version is past ``seen_version``."""
        while self.version <= seen_version:
            await self._event.wait()

    def since(self, seen_version: int) -> list[int]:
        """Lines that changed after ``seen_version``."""
        return [i for i, v in self.line_versions.items() if v > seen_version]
