"""The lecturer's kills, cuts and added latency as faults on the board, for the ticker and the report."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

from launcher.records.faults import FaultRecord
from launcher.screen.board import Board

KILLED = "SIGKILL"
CUT = "link cut"
SLOWED = "latency"


class LecturerFaults:
    """Open faults by node and kind; each ends when the lecturer undoes it (or the run restores it)."""

    def __init__(self, board: Board, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._board = board
        self._now = now
        self._open: dict[tuple[str, str], FaultRecord] = {}

    @property
    def records(self) -> tuple[FaultRecord, ...]:
        """Every fault on the board so far, the lecturer's and the others' (chaos, outages)."""
        return tuple(self._board.faults)

    def began(self, node: str, kind: str, detail: str = "by the lecturer") -> None:
        """``node`` has a new fault of ``kind``; one of that kind still open ends first."""
        self.ended(node, kind, "changed by the lecturer")
        snapshot = self._board.month.snapshot
        when = f"month {snapshot.month} +{self._board.month.elapsed_s:.1f}s" if snapshot else "between months"
        record = FaultRecord(self._now(), node, kind, f"{detail}, {when}", None)
        self._open[(node, kind)] = record
        self._board.fault(record)

    def ended(self, node: str, kind: str, how: str) -> None:
        """The fault of ``kind`` on ``node``, if one is open, is over; ``how`` says what ended it."""
        record = self._open.pop((node, kind), None)
        if record is not None:
            self._board.fault(dataclasses.replace(record, recovered_at=self._now()), how)

    def latency(self, node: str, added_ms: int) -> None:
        """The lecturer set ``node``'s added latency: a fault while above 0, over at 0."""
        if added_ms > 0:
            self.began(node, SLOWED, f"{added_ms} ms added by the lecturer")
        else:
            self.ended(node, SLOWED, "latency back to 0 ms")
