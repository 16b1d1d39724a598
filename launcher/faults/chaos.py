"""``--chaos``: SIGKILL a manufacturer, a branch and every central at seeded moments, then restart them.

Strikes are spread over the months (the i-th of n in month ``1 + i * months // n``), each at a
seeded moment into its month. A month that closes before its strike's moment hands the strike
to the next month, early in it. One strike at a time: the next waits until the last node is
back, so every recovery is seen on its own. With several centrals the central's strike
strikes each of them in turn (the month's owner among them), each once the one before is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from launcher.faults.central_switch import chaos_cause
from launcher.records.faults import FaultRecord
from launcher.records.names import central_label, central_slug
from launcher.records.outage import Outage
from launcher.records.snapshots import MonthPhase
from launcher.screen.board import Board
from launcher.supervise.processes import Supervisor
from nodekit.health import wait_until_serving
from nodekit.tls import TlsClientConfig

logger = logging.getLogger(__name__)

# Where in its month a strike lands, as a share of the month's length.
EARLIEST, LATEST = 0.15, 0.45
# A strike handed on to the next month lands this soon after that month opens.
HANDED_ON_S = 0.5
RECOVERY_TIMEOUT_S = 30.0
# How long a manufacturer's lost link may go unseen before a connected one counts as back.
LINK_LOSS_SEEN_S = 3.0


@dataclass(frozen=True, slots=True)
class ChaosTarget:
    """A child the chaos may kill: its role ("central", "manufacturer", "branch"), slug and name."""

    role: str
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Strike:
    """One planned fault: whom, in which month, how many seconds into it."""

    target: ChaosTarget
    month: int
    offset_s: float


def plan_strikes(
    seed: int,
    months: int,
    month_seconds: float,
    central: ChaosTarget,
    manufacturers: Sequence[ChaosTarget],
    branches: Sequence[ChaosTarget],
) -> list[Strike]:
    """One manufacturer, one branch (if any) and the central, in a seeded order and at seeded moments."""
    rng = random.Random(f"chaos/{seed}")
    victims = [rng.choice(list(manufacturers))] if manufacturers else []
    victims += [rng.choice(list(branches))] if branches else []
    victims.append(central)
    rng.shuffle(victims)
    strikes = [
        Strike(
            target=victim,
            month=1 + index * months // len(victims),
            offset_s=round(rng.uniform(EARLIEST, LATEST) * month_seconds, 2),
        )
        for index, victim in enumerate(victims)
    ]
    # Two strikes in one month go in the order of their moments.
    return sorted(strikes, key=lambda s: (s.month, s.offset_s))


def every_central(strikes: Sequence[Strike], centrals: int) -> list[Strike]:
    """The plan with its central strike made one strike per central, in turn, at the same moment.

    Each waits for the one before to be back (one strike at a time), so the centrals go
    down one after another and the others carry the month meanwhile.
    """
    if centrals < 2:
        return list(strikes)
    planned: list[Strike] = []
    for strike in strikes:
        if strike.target.role != "central":
            planned.append(strike)
            continue
        planned += [
            dataclasses.replace(
                strike, target=ChaosTarget("central", central_slug(index), central_label(index, centrals))
            )
            for index in range(centrals)
        ]
    return planned


def is_due(strike: Strike, board: Board) -> bool:
    """True once the strike's month (or a later one, if it closed first) is open long enough."""
    snapshot = board.month.snapshot
    if snapshot is None or snapshot.state is not MonthPhase.OPEN or snapshot.month < strike.month:
        return False
    wait_s = strike.offset_s if snapshot.month == strike.month else min(strike.offset_s, HANDED_ON_S)
    return board.month.elapsed_s >= wait_s


class Chaos:
    """Carries out the strikes against the supervisor's children and records each fault on the board.

    Args:
        strikes: The plan.
        supervisor: Kills and restarts the children.
        board: Where faults and recoveries go (and what shows the links and branches).
        outage: Opened while a central is down, so the launcher's own calls wait for it.
        central_target: ``host:port`` of the central (``A:1,B:2`` for several), for their health.
        now: The wall clock.
    """

    def __init__(
        self,
        strikes: Sequence[Strike],
        supervisor: Supervisor,
        board: Board,
        outage: Outage,
        central_target: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        tls: TlsClientConfig | None = None,
    ) -> None:
        addresses = central_target.split(",")
        self._strikes = every_central(strikes, len(addresses))
        self._addresses = {central_slug(index): address for index, address in enumerate(addresses)}
        self._tls = tls
        self._supervisor = supervisor
        self._board = board
        self._outage = outage
        self._central_target = central_target
        self._now = now
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def pending(self) -> list[Strike]:
        """Strikes not carried out (yet)."""
        return list(self._strikes)

    async def run(self) -> None:
        """Waits for each strike's moment and carries it out; returns when all are done."""
        while self._strikes:
            strike = self._strikes[0]
            await self._board.until(functools.partial(is_due, strike, self._board))
            self._idle.clear()
            try:
                await self._strike(strike)
            finally:
                self._strikes.pop(0)
                self._idle.set()

    async def settle(self, task: asyncio.Task[None], timeout_s: float = RECOVERY_TIMEOUT_S) -> None:
        """Stops ``task`` (running ``run``) once no strike is in progress, waiting at most ``timeout_s``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def _strike(self, strike: Strike) -> None:
        target = strike.target
        snapshot = self._board.month.snapshot
        month = snapshot.month if snapshot else strike.month
        cause = chaos_cause(target.slug)
        if target.role == "central":
            self._outage.begin(cause)
            self._board.central_seen(False)
        at = self._now()
        try:
            await self._supervisor.kill(target.slug)
        except RuntimeError:
            # The lecturer has it down already (the controls): their restart brings it back.
            logger.warning("chaos: %s is down already, not struck", target.name)
            if target.role == "central":
                self._outage.end(cause)
            return
        fault = FaultRecord(
            at=at,
            node=target.name,
            kind="SIGKILL",
            detail=f"{target.role}, month {month} +{self._board.month.elapsed_s:.1f}s",
            recovered_at=None,
        )
        self._board.fault(fault)
        before = await self._settled_sales(target) if target.role == "branch" else 0
        await self._supervisor.restart(target.slug)
        self._board.restarted()
        try:
            how = await asyncio.wait_for(self._recovery(target, before), RECOVERY_TIMEOUT_S)
        except TimeoutError:
            logger.warning("%s not back within %.0fs of its restart", target.name, RECOVERY_TIMEOUT_S)
            return
        finally:
            if target.role == "central":
                self._outage.end(cause)
        back = dataclasses.replace(fault, recovered_at=self._now())
        self._board.fault(back, how)

    def _recovery(self, target: ChaosTarget, branch_transactions: int) -> Awaitable[str]:
        if target.role == "central":
            return self._central_back(self._addresses.get(target.slug, self._central_target))
        if target.role == "manufacturer":
            return self._link_back(target.name)
        return self._stream_back(target.name, branch_transactions)

    async def _central_back(self, address: str) -> str:
        await wait_until_serving(address, timeout_s=RECOVERY_TIMEOUT_S, tls=self._tls)
        self._board.central_seen(True)
        return "health SERVING"

    async def _link_back(self, name: str) -> str:
        def connected() -> bool:
            link = self._board.links.get(name)
            return link is not None and link.connected

        # The central may still count the killed stream as connected for a moment: wait to see it
        # lost (bounded, a quick reconnect between two polls is never seen lost), then back.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._board.until(lambda: not connected()), LINK_LOSS_SEEN_S)
        await self._board.until(connected)
        return "link connected again"

    async def _stream_back(self, name: str, before: int) -> str:
        await self._board.until(lambda: self._branch_transactions(name) > before)
        return "sales stream resumed"

    async def _settled_sales(self, target: ChaosTarget) -> int:
        """The branch's streamed sales as the first poll after its death shows them.

        A poll from before the kill may miss sales that were streamed just before it, and
        those would then pass for sales streamed after the restart; the poll in flight at the
        kill may be such a poll, so the second one after it counts.
        """
        polls = self._board.branch_polls
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                self._board.until(lambda: self._board.branch_polls >= polls + 2), LINK_LOSS_SEEN_S
            )
        return self._branch_transactions(target.name)

    def _branch_transactions(self, name: str) -> int:
        return sum(day.transaction_count for day in self._board.branch_days if day.branch_name == name)
