"""The lecturer's simulation controls behind the launcher's control endpoint: pause, resume, pace.

``GET /simulation`` tells the pace of the month running and of the next; ``POST
/simulation/pause`` and ``/simulation/resume`` ask the central (the one truth of the month's
clock) to stop or restart it, so every node and every browser learns it from the central;
``POST /simulation/pace/<brisk|normal|slow>`` picks the pace of the next month the driver
opens: its length, which the simulated shoppers read from the central's catalog (their
think time scales with it; a running month keeps its length).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import grpc

from launcher.records.pace import PACES, Pace, pace_for
from launcher.records.snapshots import MonthFigures
from nodekit.status import RemoteError

logger = logging.getLogger(__name__)

Reply = tuple[int, dict[str, object]]


class MonthClockCalls(Protocol):
    """The operator calls the controls make (``OperatorClient``)."""

    async def pause_month(self) -> MonthFigures: ...

    async def resume_month(self) -> MonthFigures: ...


@dataclass(slots=True)
class PaceChoice:
    """The pace of the month running and the one the driver uses for the next month it opens."""

    running: Pace
    upcoming: Pace

    @classmethod
    def starting(cls, pace: Pace) -> PaceChoice:
        """The run's pace, for the first month and after."""
        return cls(pace, pace)

    def next_month(self) -> Pace:
        """The driver opens a month: the chosen pace becomes the running one."""
        self.running = self.upcoming
        return self.running


class SimulationControl:
    """Answers the ``/simulation`` requests of the control endpoint.

    Args:
        months: The central's operator calls.
        pace: The pace the month driver follows.
    """

    def __init__(self, months: MonthClockCalls, pace: PaceChoice) -> None:
        self._months = months
        self._pace = pace

    def state(self) -> dict[str, object]:
        """The paces in force and to come, and the names to choose from."""
        running, upcoming = self._pace.running, self._pace.upcoming
        return {
            "pace": running.name,
            "month_seconds": running.month_seconds,
            "next_pace": upcoming.name,
            "next_month_seconds": upcoming.month_seconds,
            "paces": {name: pace.month_seconds for name, pace in PACES.items()},
        }

    async def answer(self, method: str, parts: list[str]) -> Reply:
        """An HTTP status and a JSON reply for ``method`` on ``/simulation/<parts>``."""
        match method, parts:
            case "GET", []:
                return 200, self.state()
            case "POST", ["pause"]:
                return await self._clock(pause=True)
            case "POST", ["resume"]:
                return await self._clock(pause=False)
            case "POST", ["pace", name]:
                return self._choose(name)
        return 404, {"error": "not found"}

    async def _clock(self, pause: bool) -> Reply:
        try:
            status = await (self._months.pause_month() if pause else self._months.resume_month())
        except RemoteError as remote:
            code = 409 if remote.code is grpc.StatusCode.FAILED_PRECONDITION else 503
            return code, {"error": remote.message, "reason": remote.reason}
        logger.info("lecturer's control: month %d %s", status.month, "paused" if pause else "resumed")
        return 200, {"month": status.month, "paused": status.paused, **self.state()}

    def _choose(self, name: str) -> Reply:
        if name not in PACES:
            return 400, {"error": f"no pace {name!r}; choose one of {', '.join(PACES)}"}
        self._pace.upcoming = pace_for(name)
        logger.info("lecturer's control: pace %s from the next month", name)
        return 200, {**self.state(), "applies": "from the next month the launcher opens"}
