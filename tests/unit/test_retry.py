"""The reconnect backoff: from 100 ms, doubling to a cap, starting over only after a steady stream."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
import pytest

from nodekit.retry import Backoff, call_keyed_write, call_with_retry


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_waits_double_from_100_ms_up_to_the_cap() -> None:
    backoff = Backoff(max_s=1.0, jitter_s=0.0, clock=Clock())
    assert [backoff.next_wait() for _ in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]


def test_jitter_only_adds_and_stays_bounded() -> None:
    backoff = Backoff(max_s=1.0, jitter_s=0.3, clock=Clock())
    waits = [backoff.next_wait() for _ in range(50)]
    assert min(waits) >= 0.1
    assert max(waits) <= 1.0


def test_a_stream_ended_right_after_it_was_accepted_keeps_the_waits_growing() -> None:
    clock = Clock()
    backoff = Backoff(max_s=2.0, jitter_s=0.0, clock=clock)
    waits = []
    for _ in range(4):
        backoff.connected()
        clock.now += 0.01  # the server ends the stream at once, with OK
        waits.append(backoff.next_wait())
        clock.now += waits[-1]
    assert waits == [0.1, 0.2, 0.4, 0.8]


def test_a_steady_stream_starts_the_waits_over() -> None:
    clock = Clock()
    backoff = Backoff(max_s=2.0, jitter_s=0.0, clock=clock)
    assert [backoff.next_wait() for _ in range(3)] == [0.1, 0.2, 0.4]
    backoff.connected()
    clock.now += 2.0
    assert backoff.next_wait() == 0.1


def test_reset_starts_the_waits_over() -> None:
    backoff = Backoff(max_s=2.0, jitter_s=0.0, clock=Clock())
    backoff.next_wait()
    backoff.next_wait()
    backoff.reset()
    assert backoff.next_wait() == 0.1


def test_an_outage_is_exhausted_after_give_up_s_counted_from_the_last_stream() -> None:
    clock = Clock()
    backoff = Backoff(give_up_s=5.0, clock=clock)
    clock.now = 4.9
    assert not backoff.exhausted()
    clock.now = 5.0
    assert backoff.exhausted()
    backoff.connected()
    clock.now = 100.0
    assert not backoff.exhausted()  # up: no outage
    backoff.next_wait()  # the stream ended at 100
    clock.now = 104.9
    assert not backoff.exhausted()
    clock.now = 105.0
    assert backoff.exhausted()


def test_without_give_up_s_an_outage_never_ends_the_attempts() -> None:
    clock = Clock()
    backoff = Backoff(clock=clock)
    clock.now = 1e6
    assert not backoff.exhausted()


def _failing(codes: list[grpc.StatusCode]) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    """A call that fails with ``codes`` in turn, then answers "done"; and its call count."""
    calls = [0]

    async def call() -> str:
        calls[0] += 1
        if codes:
            raise grpc.aio.AioRpcError(codes.pop(0), grpc.aio.Metadata(), grpc.aio.Metadata(), "cut")
        return "done"

    return call, calls


async def test_a_keyed_write_is_repeated_when_unavailable_or_cut_off() -> None:
    call, calls = _failing([grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE])
    assert await call_keyed_write(call) == "done"
    assert calls == [3]


async def test_a_keyless_call_is_not_repeated_after_a_cancel_nor_a_keyed_write_after_a_refusal() -> None:
    call, calls = _failing([grpc.StatusCode.CANCELLED])
    with pytest.raises(grpc.aio.AioRpcError):
        await call_with_retry(call)
    refused, refused_calls = _failing([grpc.StatusCode.FAILED_PRECONDITION])
    with pytest.raises(grpc.aio.AioRpcError):
        await call_keyed_write(refused)
    assert (calls, refused_calls) == ([1], [1])
