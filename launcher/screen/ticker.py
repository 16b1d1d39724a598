"""The dashboard's ticker: events found by comparing two polls of the central, newest last."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from distribution_client import ManufacturerInfo
from launcher.records.snapshots import BranchAlertFigures, LineFigures

TICKER_LENGTH = 200
# Faults, recoveries and warnings kept apart from routine news, so none scrolls away under it.
PINNED_LENGTH = 50


class Kind(Enum):
    """What an event is about; the dashboard colours by it, the plain log filters by it."""

    MONTH = "month"
    SOLD_OUT = "sold_out"
    TOLD = "told"
    REORDER = "reorder"
    LINK = "link"
    FAULT = "fault"
    RECOVERY = "recovery"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class TickerEvent:
    """One ticker line: when (local time), its kind and its text."""

    at: datetime
    kind: Kind
    text: str


def sold_out(before: Sequence[LineFigures], now: Sequence[LineFigures]) -> list[LineFigures]:
    """Lines with nothing left on sale now that had some before (or were not seen yet).

    Available 0 is the central's own test for telling the manufacturer, so the ticker
    shows the same crossing.
    """
    had = {line.stock_line_id: line.available for line in before}
    return [
        line
        for line in now
        if line.offered > 0 and line.available == 0 and had.get(line.stock_line_id, 1) > 0
    ]


def link_changes(
    before: Mapping[str, ManufacturerInfo], now: Iterable[ManufacturerInfo]
) -> list[ManufacturerInfo]:
    """Manufacturers whose connected flag differs from the last poll (not the first sighting)."""
    return [link for link in now if link.name in before and before[link.name].connected != link.connected]


def alert_key(alert: BranchAlertFigures) -> tuple[str, str, str]:
    """An alert's identity across polls: branch, product and when it was raised."""
    return (alert.branch_name, alert.product, alert.raised_at or "")


def alert_changes(
    before: Sequence[BranchAlertFigures], now: Sequence[BranchAlertFigures]
) -> tuple[list[BranchAlertFigures], list[BranchAlertFigures]]:
    """Alerts raised since the last poll, and alerts closed since (the reorder arrived)."""
    old = {alert_key(a) for a in before}
    new = {alert_key(a) for a in now}
    return [a for a in now if alert_key(a) not in old], [a for a in before if alert_key(a) not in new]


# What a lecturer must not miss: each fault and each recovery stays in view until newer ones.
PINNED_KINDS = frozenset({Kind.FAULT, Kind.RECOVERY, Kind.WARNING})


def summarise_routine(events: Sequence[TickerEvent]) -> list[TickerEvent]:
    """``events`` with each run of restock and reorder lines folded into one line that counts them."""
    folded: list[TickerEvent] = []
    run: list[TickerEvent] = []

    def flush() -> None:
        if len(run) == 1:
            folded.append(run[0])
        elif run:
            latest = run[-1].text
            folded.append(
                TickerEvent(run[-1].at, Kind.REORDER, f"{len(run)} restocks/reorders, last: {latest}")
            )
        run.clear()

    for event in events:
        if event.kind is Kind.REORDER:
            run.append(event)
            continue
        flush()
        folded.append(event)
    flush()
    return folded


class Ticker:
    """The last events of the run, bounded; faults also kept apart, pinned above the news."""

    def __init__(self, length: int = TICKER_LENGTH) -> None:
        self._events: deque[TickerEvent] = deque(maxlen=length)
        self._pinned: deque[TickerEvent] = deque(maxlen=PINNED_LENGTH)

    def add(self, event: TickerEvent) -> None:
        """Appends one event."""
        self._events.append(event)
        if event.kind in PINNED_KINDS:
            self._pinned.append(event)

    def pinned(self, count: int) -> list[TickerEvent]:
        """The newest ``count`` faults, recoveries and warnings, oldest first."""
        return list(self._pinned)[-count:] if count > 0 else []

    def news(self, count: int) -> list[TickerEvent]:
        """The newest ``count`` lines of routine news (no pinned kinds), restocks folded, oldest first."""
        if count <= 0:
            return []
        routine = [event for event in self._events if event.kind not in PINNED_KINDS]
        return summarise_routine(routine)[-count:]

    def last(self, count: int) -> list[TickerEvent]:
        """The newest ``count`` events, oldest first."""
        if count <= 0:
            return []
        return list(self._events)[-count:]
