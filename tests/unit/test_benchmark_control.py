"""The control of ``benchmarks centrals``: callers dealt over centrals apart; coherence's own bound."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from benchmarks.centrals_control import Apart
from benchmarks.centrals_targets import cpu_targets


class Recording:
    """A configuration whose reserve records which of its workers called."""

    def __init__(self) -> None:
        self.workers: list[int] = []

    def reserve(self, shape: str) -> Callable[[int], Coroutine[Any, Any, None]]:
        async def op(worker: int) -> None:
            self.workers.append(worker)

        return op


def test_workers_are_dealt_over_the_parts_each_numbered_from_zero() -> None:
    parts = [Recording(), Recording(), Recording()]
    op = Apart(parts).reserve("spread")

    async def calls() -> None:
        for worker in range(7):
            await op(worker)

    asyncio.run(calls())

    assert [part.workers for part in parts] == [[0, 1, 2], [0, 1], [0, 1]]


def figures(centrals: float, postgres: float) -> dict[str, float]:
    return {"centrals": centrals, "postgres": postgres, "client": 0.15}


def test_coherence_is_bound_against_the_same_split_apart_and_following_against_one_central() -> None:
    costs = {
        "sqlite1": figures(0.40, 0.0),
        "pg1": figures(0.30, 0.10),
        "pg2": figures(0.40, 0.13),
        "pg3": figures(0.48, 0.16),
    }
    control = {
        "pg2": figures(0.38, 0.12),
        "pg3": figures(0.36, 0.15),
        "pg3_one_serving": figures(0.31, 0.10),
        "pg3_each": figures(0.33, 0.12),
    }

    targets = cpu_targets(costs, {"pg1": costs["pg1"], "pg3": figures(0.33, 0.11)}, None, control)

    same_total = targets["three_centrals_over_one_centrals_cpu"]
    assert same_total == {"measured": 1.6, "target": "<= 1.2", "met": False}
    three = targets["coherence_three_on_one_database_over_three_apart"]
    assert three == {
        "centrals_cpu": {"measured": 1.333, "target": "<= 1.2", "met": False},
        "postgres_cpu": {"measured": 1.067, "target": "<= 1.2", "met": True},
    }
    two = targets["coherence_two_on_one_database_over_two_apart"]
    assert isinstance(two, dict) and two["centrals_cpu"]["met"] and two["postgres_cpu"]["met"]
    each = targets["coherence_three_over_three_apart_each_with_its_own_callers"]
    assert each == {
        "centrals_cpu": {"measured": 1.0, "target": "<= 1.2", "met": True},
        "postgres_cpu": {"measured": 0.917, "target": "<= 1.2", "met": True},
    }
    following = targets["following_three_centrals_one_serving_over_one_central"]
    assert following == {
        "centrals_cpu": {"measured": 1.033, "target": "<= 1.2", "met": True},
        "postgres_cpu": {"measured": 1.0, "target": "<= 1.2", "met": True},
    }
