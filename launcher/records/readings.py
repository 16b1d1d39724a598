"""What the launcher reads of the central for its screen and feed: manufacturer links, branch alerts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LinkState:
    """A manufacturer's link as the dashboard shows it."""

    name: str
    connected: bool
    pending_notifications: int


@dataclass(frozen=True, slots=True)
class AlertState:
    """An open low-stock alert of a branch, as the central last heard it (raised_at ISO-8601 or "")."""

    branch_name: str
    product: str
    quantity: int
    reorder_point: int
    raised_at: str
