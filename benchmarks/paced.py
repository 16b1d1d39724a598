"""Calls started at a fixed rate (open loop): the same load for whichever server answers them."""

from __future__ import annotations

import asyncio

from benchmarks.load import Op


async def paced(op: Op, rate_per_s: float, duration_s: float, most_in_flight: int) -> int:
    """Starts ``op`` ``rate_per_s`` times a second for ``duration_s``; returns the calls completed.

    A closed loop gives each server the load it can take, so a slower server also
    runs smaller group-commit batches and its CPU per call is not comparable; at a
    fixed rate both serve the same calls at the same pace. ``most_in_flight`` bounds
    the calls waiting at once (worker ``i`` of them is ``op``'s worker ``i``), so a
    server slower than the rate is met by a closed loop of that size instead.
    A failed call fails the whole, once every call started has ended.
    """
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(most_in_flight)
    running: set[asyncio.Task[None]] = set()
    failures: list[Exception] = []
    completed = 0

    async def one(worker: int) -> None:
        nonlocal completed
        try:
            await op(worker)
            completed += 1
        except Exception as error:
            failures.append(error)
        finally:
            slots.release()

    start = loop.time()
    for index in range(int(rate_per_s * duration_s)):
        wait = start + index / rate_per_s - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        await slots.acquire()
        task = asyncio.create_task(one(index % most_in_flight))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    if failures:
        raise failures[0]
    return completed
