"""What the month driver's polls reveal over a month: lines selling out, manufacturers told, alerts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from launcher.records.snapshots import AlertSeen, BranchAlertFigures, MonthFigures, Sellout


class MonthWatch:
    """Folds the polls of one month into its sold-out timeline and its alerts.

    A line is sold out at the first poll that shows ``sold == offered``. Its manufacturer has
    been told at the first poll at or after that one that shows the manufacturer with no
    unacknowledged notification: the central writes the depletion notice in the same
    transaction as the sale, so "no notification pending" after the sale means it was delivered
    and acknowledged. Both moments are as precise as the poll interval.
    """

    def __init__(self) -> None:
        self._sellouts: dict[int, Sellout] = {}
        self._alerts: dict[tuple[str, str, str | None], AlertSeen] = {}

    def saw_status(self, status: MonthFigures, after_s: float, at: datetime) -> None:
        """Notes the lines seen sold out for the first time."""
        for line in status.stock_lines:
            if line.offered > 0 and line.sold >= line.offered and line.stock_line_id not in self._sellouts:
                self._sellouts[line.stock_line_id] = Sellout(
                    line.stock_line_id, line.product, line.manufacturer_name, after_s, at.isoformat()
                )

    def untold(self) -> set[str]:
        """Manufacturers with a sold-out line not known yet to have been told."""
        return {s.manufacturer_name for s in self._sellouts.values() if s.told_at is None}

    def saw_pending(self, pending: dict[str, int], after_s: float, at: datetime) -> None:
        """Marks sold-out lines told once their manufacturer has nothing unacknowledged."""
        for line_id, sellout in self._sellouts.items():
            if sellout.told_at is None and pending.get(sellout.manufacturer_name) == 0:
                self._sellouts[line_id] = replace(sellout, told_after_s=after_s, told_at=at.isoformat())

    def saw_alerts(self, alerts: Iterable[BranchAlertFigures], after_s: float) -> None:
        """Adds newly open alerts; an alert seen before and gone now was cleared by a reorder."""
        open_now = {(a.branch_name, a.product, a.raised_at): a for a in alerts}
        for key, seen in self._alerts.items():
            if key not in open_now and seen.cleared_after_s is None:
                self._alerts[key] = replace(seen, cleared_after_s=after_s)
        for key, alert in open_now.items():
            self._alerts.setdefault(
                key,
                AlertSeen(
                    alert.branch_name, alert.product, alert.quantity, alert.reorder_point, alert.raised_at
                ),
            )

    def sellouts(self) -> tuple[Sellout, ...]:
        """The sold-out lines in the order they sold out."""
        return tuple(sorted(self._sellouts.values(), key=lambda s: (s.after_s, s.product)))

    def alerts(self) -> tuple[AlertSeen, ...]:
        """Every alert seen open this month, by branch and product."""
        return tuple(
            sorted(self._alerts.values(), key=lambda a: (a.branch_name, a.product, a.raised_at or ""))
        )
