"""The dashboard's event feed, found by comparing two successive views of the network.

The central has no event stream for an operator, so the feed is derived from what the
reads show: a line whose available units reach 0 is sold out; its manufacturer counts as
told once it has no unacknowledged notification left; a manufacturer's link going down or
up, a low-stock alert raised or closed, a month opening, pausing, resuming or closing and the
central itself not answering are the other events. Pure functions, so the rules are tested without a central.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Line:
    """What the feed needs of one stock line."""

    manufacturer: str
    product: str
    available: int


@dataclass(frozen=True, slots=True)
class View:
    """One reading of the network, as far as the feed cares.

    Attributes:
        central_up: Whether the central answered this reading.
        month: The current month's number (0 before the first).
        state: The month's state name.
        lines: Stock lines by id.
        links: Manufacturer name -> (connected, unacknowledged notifications).
        alerts: Open low-stock alerts as (branch, product).
        paused: Whether the operator has the month's clock stopped.
    """

    central_up: bool
    month: int = 0
    state: str = ""
    lines: dict[int, Line] = field(default_factory=dict)
    links: dict[str, tuple[bool, int]] = field(default_factory=dict)
    alerts: frozenset[tuple[str, str]] = frozenset()
    paused: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the feed; kinds: ``sold_out``, ``told``, ``link``, ``reorder``, ``month``, ``fault``."""

    kind: str
    text: str


@dataclass(slots=True)
class Feed:
    """Keeps the last answered view and the sold-out lines whose manufacturer has not been told yet."""

    last: View | None = None
    central_up: bool = True
    untold: dict[str, list[str]] = field(default_factory=dict)
    connected_once: set[str] = field(default_factory=set)

    def observe(self, view: View) -> list[Event]:
        """The events since the last answered view; an answered ``view`` becomes the last."""
        if not view.central_up:
            events = [Event("fault", "central not answering")] if self.central_up else []
            self.central_up = False
            return events
        events = [] if self.central_up else [Event("fault", "central answering again")]
        self.central_up = True
        before, self.last = self.last, view
        if before is None:
            return events
        events += _month_events(before, view)
        for line in _sold_out(before, view):
            events.append(Event("sold_out", f"{line.product} ({line.manufacturer}) sold out"))
            self.untold.setdefault(line.manufacturer, []).append(line.product)
        events += _link_events(before, view, self.connected_once)
        events += self._told(view)
        events += _alert_events(before, view)
        return events

    def _told(self, view: View) -> list[Event]:
        events = []
        for maker in list(self.untold):
            connected, pending = view.links.get(maker, (False, 1))
            if connected and pending == 0:
                products = ", ".join(self.untold.pop(maker))
                events.append(Event("told", f"{maker} told: {products} sold out"))
        return events


def _month_events(before: View, view: View) -> list[Event]:
    if (before.month, before.state) == (view.month, view.state) or not view.state:
        if view.month == before.month and view.paused != before.paused:
            return [Event("month", f"month {view.month} {'paused' if view.paused else 'resumed'}")]
        return []
    return [Event("month", f"month {view.month} {view.state.lower()}")]


def _sold_out(before: View, view: View) -> list[Line]:
    if before.month != view.month:
        return []
    return [
        line
        for line_id, line in view.lines.items()
        if line.available == 0 and line_id in before.lines and before.lines[line_id].available > 0
    ]


def _link_events(before: View, view: View, seen: set[str]) -> list[Event]:
    events = []
    for name, (connected, _) in view.links.items():
        was = before.links.get(name)
        if was is not None and was[0] != connected:
            state = ("connected again" if name in seen else "connected") if connected else "link lost"
            events.append(Event("link", f"{name} {state}"))
        if connected:
            seen.add(name)
    return events


def _alert_events(before: View, view: View) -> list[Event]:
    raised = sorted(view.alerts - before.alerts)
    closed = sorted(before.alerts - view.alerts)
    return [Event("reorder", f"{branch}: {product} low, reorder raised") for branch, product in raised] + [
        Event("reorder", f"{branch}: {product} restocked") for branch, product in closed
    ]
