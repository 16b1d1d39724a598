"""Closed-loop load generator: N workers call an operation back to back for a fixed wall time."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import grpc

# An operation run by worker ``i``; it raises grpc.aio.AioRpcError when a call fails.
Op = Callable[[int], Awaitable[None]]


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


@dataclass
class LoadResult:
    """What one closed-loop run measured."""

    concurrency: int
    window_s: float
    elapsed_s: float = 0.0
    in_window: int = 0
    latencies_s: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    # (opened, closed) perf_counter instants of each measured window.
    windows: list[tuple[float, float]] = field(default_factory=list)
    # Streams only: reply messages that acknowledged requests, and the requests they acknowledged.
    ack_messages: int = 0
    acked: int = 0

    @property
    def per_s(self) -> float:
        """Operations that succeeded within the window, per second of the window."""
        return self.in_window / self.window_s if self.window_s > 0 else 0.0

    def absorb(self, other: LoadResult) -> None:
        """Adds another slice of the same measurement to this one."""
        self.window_s += other.window_s
        self.elapsed_s += other.elapsed_s
        self.in_window += other.in_window
        self.latencies_s.extend(other.latencies_s)
        self.errors.update(other.errors)
        self.windows.extend(other.windows)
        self.ack_messages += other.ack_messages
        self.acked += other.acked

    def within(self, done_at: float) -> bool:
        """True when an instant lies inside one of the measured windows."""
        return any(opened < done_at <= closed for opened, closed in self.windows)

    def summary(self, unit: str = "calls") -> dict[str, object]:
        """Throughput, p50/p99 latency in ms and errors by status code."""
        ordered = sorted(self.latencies_s)
        return {
            "concurrency": self.concurrency,
            f"{unit}_per_s": round(self.per_s, 1),
            unit: self.in_window,
            "seconds": round(self.window_s, 2),
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
            "errors": dict(self.errors),
        }


class Window:
    """The measured window of a run, free of fill and drain effects.

    Workers start together, so the first replies come only after a full queue's
    wait, and the last ones trail after the end; neither belongs to the steady
    state. The window opens when ``fill`` operations have finished (one per
    request in flight) and closes at the first completion after ``duration_s``
    once at least ``fill`` more have finished. Throughput is completions over
    the span from the opening completion to the last one counted, which stays
    exact when a group commit answers a whole batch at the same instant.
    """

    def __init__(self, fill: int, duration_s: float) -> None:
        self.fill = fill
        self.duration_s = duration_s
        self.started = time.perf_counter()
        self.opened_at: float | None = None
        self.last_done = 0.0
        self.finished = 0
        self.counted = 0
        self.closed = False

    def finish(self, done: float, ok: bool = True) -> bool:
        """Records one finished operation; True when it counts (succeeded inside the window)."""
        if self.closed:
            return False
        self.finished += 1
        if self.opened_at is None:
            if self.finished >= self.fill or done - self.started >= self.duration_s:
                self.opened_at = done
            return False
        self.counted += 1
        self.last_done = done
        elapsed = done - self.opened_at
        if elapsed >= 3 * self.duration_s or (elapsed >= self.duration_s and self.counted >= self.fill):
            self.closed = True
        return ok

    def report(self, result: LoadResult) -> None:
        """Puts the window's span into ``result``."""
        if self.opened_at is not None and self.counted:
            result.window_s = self.last_done - self.opened_at
            result.windows.append((self.opened_at, self.last_done))


async def closed_loop(op: Op, concurrency: int, duration_s: float) -> LoadResult:
    """Runs ``concurrency`` workers looping ``op`` back to back; measures a ``duration_s`` window.

    Throughput and latency come from the operations that finished inside the window
    (see ``Window``). A worker starts no new operation once the window has closed but
    finishes the one in flight, so every acknowledged write is known to the caller.
    """
    result = LoadResult(concurrency, 0.0)
    window = Window(concurrency, duration_s)

    async def worker(index: int) -> None:
        clock = time.perf_counter
        while not window.closed:
            began = clock()
            try:
                await op(index)
            except grpc.aio.AioRpcError as error:
                result.errors[error.code().name] += 1
                window.finish(clock(), ok=False)
            else:
                done = clock()
                if window.finish(done):
                    result.in_window += 1
                    result.latencies_s.append(done - began)

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    window.report(result)
    result.elapsed_s = time.perf_counter() - window.started
    return result


# Runs one measurement for the given wall time.
Runner = Callable[[float], Awaitable[LoadResult]]


def looping(op: Op, concurrency: int) -> Runner:
    """A runner of ``op`` with ``concurrency`` closed-loop workers."""
    return lambda duration_s: closed_loop(op, concurrency, duration_s)


async def warm_up(runners: Mapping[str, Runner], warmup_s: float) -> None:
    """Runs every runner once for ``warmup_s`` and throws the figures away."""
    if warmup_s > 0:
        for runner in runners.values():
            await runner(warmup_s)


async def interleaved(runners: Mapping[str, Runner], duration_s: float, slices: int) -> dict[str, LoadResult]:
    """Measures every runner for ``duration_s`` in total, taking turns in ``slices`` slices.

    Taking turns spreads the noise of a shared machine evenly over echo and central,
    so their ratio holds even when absolute figures swing; the order is reversed
    every other round so no runner always goes first.
    """
    results = {name: LoadResult(0, 0.0) for name in runners}
    order = list(runners)
    for round_ in range(slices):
        for name in order if round_ % 2 == 0 else reversed(order):
            part = await runners[name](duration_s / slices)
            results[name].concurrency = part.concurrency
            results[name].absorb(part)
    return results


def ratio(ours: float, echo: float) -> float | None:
    """ours/echo rounded to three places (None when the echo figure is zero)."""
    return round(ours / echo, 3) if echo else None
