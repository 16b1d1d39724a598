"""What the shop tells a person unasked: a reservation ran out, a line they looked at is sold out."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from customer_node.catalog import CatalogLine, CatalogView
from distribution_client import CartLine, CartLineState


def local_time(moment: datetime) -> str:
    """``HH:MM:SS`` in the local time zone (a naive ``moment`` is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%H:%M:%S")


@dataclass(frozen=True, slots=True)
class _Held:
    label: str
    expires_at: datetime


class Notices:
    """Watches the person's reservations and the catalog lines they chose from.

    Args:
        say: Prints one notice (above the line being typed, in a terminal).
        clock: The current time, aware.
    """

    def __init__(
        self, say: Callable[[str], None], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._say = say
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._lines: dict[int, tuple[int, str]] = {}  # stock line id -> (month, label)
        self._changed = asyncio.Event()

    def reserved(self, line: CartLine) -> None:
        """Starts watching a live reservation for its expiry."""
        if line.state is not CartLineState.RESERVED or line.expires_at is None:
            return
        self._held[line.reservation_id] = _Held(f"{line.quantity} x {line.product}", line.expires_at)
        self._changed.set()

    def cart_is(self, lines: Iterable[CartLine]) -> None:
        """Replaces the watched reservations with the cart as the central just showed it."""
        self._held.clear()
        for line in lines:
            self.reserved(line)
        self._changed.set()

    def released(self, reservation_id: str) -> None:
        """Stops watching a reservation that was removed or bought."""
        self._held.pop(reservation_id, None)
        self._changed.set()

    def chosen(self, lines: Iterable[CatalogLine]) -> None:
        """Watches catalog lines the person was shown or reserved from, to tell when they sell out."""
        for line in lines:
            self._lines[line.stock_line_id] = (line.month, f"{line.product} from {line.manufacturer_name}")

    def catalog_changed(self, view: CatalogView) -> None:
        """Tells of every watched line of the current month that is no longer on sale."""
        for line_id, (month, label) in list(self._lines.items()):
            if month != view.month:
                del self._lines[line_id]  # a new month: its lines are new lines
            elif view.get(line_id) is None:
                del self._lines[line_id]
                self._say(f"{label} is sold out")

    async def run(self) -> None:
        """Tells of each watched reservation when it expires; runs until cancelled."""
        while True:
            now = self._clock()
            for reservation_id, held in list(self._held.items()):
                if held.expires_at <= now:
                    del self._held[reservation_id]
                    self._say(
                        f"your reservation of {held.label} expired at {local_time(held.expires_at)}; "
                        "checkout tries to take the units again"
                    )
            self._changed.clear()
            soonest = min((held.expires_at for held in self._held.values()), default=None)
            wait = None if soonest is None else max(0.0, (soonest - self._clock()).total_seconds())
            # Woken early when a reservation comes or goes; otherwise at the next expiry.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), wait)
