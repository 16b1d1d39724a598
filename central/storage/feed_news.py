"""What the change feed hands the central: the news other centrals committed, and who applies it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from central.domain.stock import Counters


@dataclass(slots=True)
class News:
    """What other centrals changed since the last look."""

    lines: set[int] = field(default_factory=set)
    # Lines whose counters came with the notice (the latest version heard), read from no table.
    counts: dict[int, Counters] = field(default_factory=dict)
    month: bool = False
    notices: set[int] = field(default_factory=set)
    offers: bool = False
    links: bool = False

    def add(self, payload: dict[str, Any]) -> None:
        """Merges one notice's payload."""
        self.lines.update(int(i) for i in payload.get("lines", ()))
        for line_id, offered, reserved, sold, version in payload.get("counts", ()):
            held = self.counts.get(line_id)
            if held is None or held.version < version:
                self.counts[line_id] = Counters(line_id, offered, reserved, sold, version)
        self.month = self.month or bool(payload.get("month"))
        self.notices.update(int(i) for i in payload.get("notices", ()))
        self.offers = self.offers or bool(payload.get("offers"))
        self.links = self.links or bool(payload.get("links"))

    def __bool__(self) -> bool:
        return bool(self.lines or self.month or self.notices or self.offers or self.links)


# Reads the counters of a month's lines that changed: those whose version is above the one given for
# them (line id -> version, as the book has them), and every line not given.
MonthReader = Callable[[int, Mapping[int, int]], Awaitable[list[Counters]]]


class FeedHandler(Protocol):
    """What the central does with the news."""

    async def changed(self, news: News) -> None:
        """Applies what others committed."""
        ...

    async def caught_up(self) -> None:
        """Reads everything again (after a start or a reconnect, when notices may have been missed)."""
        ...

    async def refresh(self, read: MonthReader) -> None:
        """Takes the counters that moved without news, read with ``read`` (every ``feed.REFRESH_S``)."""
        ...

    async def ownership(self, owner: bool) -> None:
        """This central took over the month, or lost it."""
        ...
