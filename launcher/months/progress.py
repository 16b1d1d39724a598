"""What the month driver calls on the live view of a month."""

from __future__ import annotations

from typing import Protocol

from launcher.records.snapshots import MonthFigures


class LiveProgress(Protocol):
    """The month driver's view: told when a month starts, at every status poll, and at its end."""

    def begin(self, backstop_s: float, expected_shoppers: int) -> None:
        """A month opened; it closes by itself after ``backstop_s`` at the latest."""

    def update(self, snapshot: MonthFigures, elapsed_s: float) -> None:
        """One status poll, ``elapsed_s`` after the month started trading."""

    def end(self) -> None:
        """The month is closed (its last snapshot came through ``update``)."""
