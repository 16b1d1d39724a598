"""The paced load: every call it starts completes, and no more than the bound wait at once."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.paced import paced


async def test_every_call_started_at_the_rate_completes_within_the_bound() -> None:
    in_flight = 0
    most = 0
    workers: list[int] = []

    async def op(worker: int) -> None:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        workers.append(worker)
        # Slower than the pace: the bound, not the rate, decides how many wait at once.
        await asyncio.sleep(0.02)
        in_flight -= 1

    completed = await paced(op, rate_per_s=1000, duration_s=0.05, most_in_flight=4)
    assert completed == 50 == len(workers)
    assert most == 4
    assert sorted(set(workers)) == [0, 1, 2, 3]


async def test_a_failed_call_fails_the_run_once_every_call_has_ended() -> None:
    calls = 0

    async def op(worker: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError, match="refused"):
        await paced(op, rate_per_s=500, duration_s=0.01, most_in_flight=2)
    assert calls == 5
