"""Killing and restarting the central from the lecturer's controls, in step with the month driver.

As ``--chaos`` does for its central strike: the outage opens before the kill, so the launcher's
own calls wait instead of failing the run, and closes once the restarted central is SERVING.
A central left down is restarted by the launcher after ``LEFT_DOWN_S``: the run cannot go on
without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum

from launcher.records.faults import FaultRecord
from launcher.records.names import CENTRAL_SLUG
from launcher.records.outage import CHAOS, Outage
from launcher.screen.board import Board
from launcher.supervise.processes import Supervisor
from nodekit.health import wait_until_serving
from nodekit.tls import TlsClientConfig

logger = logging.getLogger(__name__)

RECOVERY_TIMEOUT_S = 30.0
LEFT_DOWN_S = 120.0

Reply = tuple[int, dict[str, object]]


class CentralState(StrEnum):
    """Where a central stands as the lecturer's controls see it (lower case on the wire)."""

    RUNNING = "running"
    DOWN = "down"  # killed
    STARTING = "starting"  # restarted, not SERVING yet


def chaos_cause(slug: str) -> str:
    """The outage cause of a ``--chaos`` strike on central ``slug`` (the first central's is ``CHAOS``)."""
    return CHAOS if slug == CENTRAL_SLUG else f"{CHAOS} {slug}"


class CentralSwitch:
    """The lecturer's kill and restart of one central (a switch per central).

    Args:
        supervisor: Kills and restarts the central's process.
        board: Shows the fault and the recovery.
        outage: Open while the central is down on purpose.
        address: ``host:port`` of the central, for its health.
        now: The wall clock.
        tls: How the launcher talks to the central (a ``--tls`` run), for the health checks.
        slug: The central's child slug (the first is ``central``, chaos's target).
        label: How the controls and the faults name it.
    """

    def __init__(
        self,
        supervisor: Supervisor,
        board: Board,
        outage: Outage,
        address: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        tls: TlsClientConfig | None = None,
        slug: str = CENTRAL_SLUG,
        label: str = "central",
    ) -> None:
        self.slug = slug
        self.label = label
        self._supervisor = supervisor
        self._board = board
        self._outage = outage
        self._address = address
        self._now = now
        self._tls = tls
        self._fault: FaultRecord | None = None
        self._back: asyncio.Task[None] | None = None
        self._left_down: asyncio.Task[None] | None = None

    @property
    def state(self) -> CentralState:
        """Running, down (killed) or starting (restarted, not SERVING yet)."""
        if self._back is not None and not self._back.done():
            return CentralState.STARTING
        return CentralState.DOWN if self._fault is not None else CentralState.RUNNING

    def node(self) -> dict[str, object]:
        """The central as the controls list it."""
        state = self.state
        return {
            "slug": self.slug,
            "label": self.label,
            "running": state is not CentralState.DOWN,
            "state": state,
            "killable": True,
            "link": None,
        }

    async def act(self, action: str) -> Reply:
        """Kills or restarts the central; an HTTP status and a JSON reply."""
        state = self.state
        if (
            action == "kill"
            and state is CentralState.RUNNING
            and self._outage.caused_by(chaos_cause(self.slug))
        ):
            # ``--chaos`` has it down: its strike restarts it and closes the outage.
            return 409, {"error": f"the {self.label} is down already (a chaos strike)"}
        if action == "kill" and state is CentralState.RUNNING:
            await self._kill()
        elif action == "restart" and state is CentralState.DOWN:
            await self._restart()
        elif action in ("kill", "restart"):
            return 409, {"error": f"the {self.label} is {state}"}
        else:
            return 404, {"error": f"no action {action!r}"}
        return 200, {}

    async def close(self) -> None:
        """Stops waiting for the central (the run is ending)."""
        for task in (self._back, self._left_down):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _kill(self) -> None:
        snapshot = self._board.month.snapshot
        month = (
            f"month {snapshot.month} +{self._board.month.elapsed_s:.1f}s" if snapshot else "between months"
        )
        # Not while the month driver opens or closes a month: that call cut would fail the run.
        await self._outage.begin_between_writes(self.slug)
        self._board.central_seen(False)
        at = self._now()
        try:
            await self._supervisor.kill(self.slug)
        except (KeyError, RuntimeError):
            self._outage.end(self.slug)
            raise
        self._fault = FaultRecord(at, self.label, "SIGKILL", f"by the lecturer, {month}", None)
        self._board.fault(self._fault)
        self._left_down = asyncio.create_task(self._restart_if_left_down())

    async def _restart_if_left_down(self) -> None:
        await asyncio.sleep(LEFT_DOWN_S)
        if self.state is CentralState.DOWN:
            logger.warning("the %s was left down for %.0fs: restarting it", self.label, LEFT_DOWN_S)
            await self._restart()

    async def _restart(self) -> None:
        await self._supervisor.restart(self.slug)
        self._board.restarted()
        self._back = asyncio.create_task(self._serving_again())

    async def _serving_again(self) -> None:
        try:
            await wait_until_serving(self._address, timeout_s=RECOVERY_TIMEOUT_S, tls=self._tls)
        except TimeoutError:
            logger.warning(
                "the %s is not SERVING within %.0fs of its restart", self.label, RECOVERY_TIMEOUT_S
            )
            return
        finally:
            self._outage.end(self.slug)
        self._board.central_seen(True)
        if self._fault is not None:
            self._board.fault(dataclasses.replace(self._fault, recovered_at=self._now()), "health SERVING")
        self._fault = None
