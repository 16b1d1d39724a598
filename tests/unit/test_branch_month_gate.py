"""The branch's month gate: walk-ins wait while the central says paused; an unreachable central stops none."""

from __future__ import annotations

import asyncio

import grpc

from branch_node.month_gate import MonthGate
from nodekit.status import RemoteError


class Central:
    """Answers whether the month is paused from a list of answers (the last repeats)."""

    def __init__(self, *answers: bool | RemoteError) -> None:
        self.answers = list(answers)
        self.asked = 0

    async def month_paused(self, timeout_s: float) -> bool:
        self.asked += 1
        answer = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
        if isinstance(answer, RemoteError):
            raise answer
        return answer


async def test_a_running_month_lets_shoppers_in_and_asks_at_most_every_interval() -> None:
    now = [0.0]
    central = Central(False)
    gate = MonthGate(central, every_s=0.5, clock=lambda: now[0])
    await gate.wait_until_running()
    await gate.wait_until_running()
    assert (central.asked, gate.holds) == (1, 0)
    now[0] = 0.6
    await gate.wait_until_running()
    assert central.asked == 2


async def test_a_paused_month_holds_until_the_central_says_it_resumed() -> None:
    central = Central(True, True, False)
    gate = MonthGate(central, every_s=0.01)
    await asyncio.wait_for(gate.wait_until_running(), 5)
    assert (central.asked, gate.holds) == (3, 1)


async def test_a_central_out_of_reach_keeps_the_last_answer() -> None:
    down = RemoteError(grpc.StatusCode.UNAVAILABLE, "down", "", {})
    central = Central(down)
    gate = MonthGate(central, every_s=0.01)
    await asyncio.wait_for(gate.wait_until_running(), 5)
    assert gate.holds == 0
