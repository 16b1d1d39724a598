"""In-process events published after a commit (depletions, closed months) for other parts to act on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Depleted:
    """A stock line sold out; its notification row was committed with the sale."""

    month: int
    stock_line_id: int
    manufacturer_id: int
    product: str
    quantity_sold: int


@dataclass(frozen=True, slots=True)
class MonthClosed:
    """A month closed; its results and notifications were committed."""

    month: int
    reason: str


@dataclass(frozen=True, slots=True)
class MonthOpened:
    """A month opened for trading."""

    month: int


Event = Depleted | MonthClosed | MonthOpened
# Handlers are plain functions: events are published right after a commit, from code that must not wait.
Handler = Callable[[Event], None]


class EventBus:
    """Delivers events to subscribers; a failing subscriber is logged, never the publisher's problem."""

    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def subscribe(self, handler: Handler) -> None:
        """Calls ``handler`` for every event from now on."""
        self._handlers.append(handler)

    def publish(self, event: Event) -> None:
        """Hands ``event`` to every subscriber in order."""
        for handler in self._handlers:
            try:
                handler(event)
            except Exception:
                logger.exception("event handler failed for %s", event)
