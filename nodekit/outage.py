"""What the guard needs of a dependency's watch to answer UNAVAILABLE while that dependency is gone."""

from __future__ import annotations

import asyncio
from typing import Protocol


class OutageWatch(Protocol):
    """Whether a dependency (a database) is down, and the UNAVAILABLE a call hears meanwhile.

    A call under way is in ``waiting`` while it may wait on the dependency; when an
    outage starts the watch cancels those calls, and ``was_cut`` tells them apart
    from calls cancelled otherwise.
    """

    down: bool
    waiting: set[asyncio.Task[object]]

    def refusal(self) -> Exception:
        """The error for a call that arrives while the dependency is down."""
        ...

    def was_cut(self, task: asyncio.Task[object]) -> bool:
        """Whether the watch cancelled ``task`` at the outage's start."""
        ...

    def check(self, error: BaseException) -> BaseException:
        """``error`` itself, or the UNAVAILABLE error when it says the dependency is gone."""
        ...
