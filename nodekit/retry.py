"""The one retry and reconnect policy: jittered exponential backoff from 100 ms, bounded.

Unary calls are retried only on UNAVAILABLE, a bounded number of times (``call_with_retry``).
A write that carries its idempotency key is retried also when the server cut it off (CANCELLED,
as a central that is stopping does to calls in flight), for long enough to reach a central that
restarts or another one (``call_keyed_write``): the key makes the central answer a repeat with
the first outcome, so a cut write that had committed is replayed, never applied twice.
Long-lived streams reconnect through a ``Backoff``: every reconnect waits, however the last
stream ended, so a server that ends streams at once is met at a bounded rate.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

T = TypeVar("T")

MIN_WAIT_S = 0.1
MAX_ATTEMPTS = 5
MAX_DELAY_S = 15.0
RETRY_MAX_WAIT_S = 2.0
RETRY_JITTER_S = 0.1
KEYED_MAX_ATTEMPTS = 12
# A central restarted after a crash or a shutdown answers again within a few seconds.
KEYED_MAX_DELAY_S = 20.0
CUT_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED})
RECONNECT_MAX_WAIT_S = 3.0
# Spread over a few hundred milliseconds so that clients cut off together do not return together.
RECONNECT_JITTER_S = 0.3


def house_wait(max_s: float, jitter_s: float) -> wait_exponential_jitter:
    """Waits of 100 ms, doubling up to ``max_s``, each plus up to ``jitter_s`` at random."""
    return wait_exponential_jitter(multiplier=MIN_WAIT_S, min=MIN_WAIT_S, max=max_s, jitter=jitter_s)


def is_transient(error: BaseException) -> bool:
    """True for errors worth retrying: the server was unavailable."""
    return isinstance(error, grpc.aio.AioRpcError) and error.code() == grpc.StatusCode.UNAVAILABLE


def is_cut(error: BaseException) -> bool:
    """True for errors after which a keyed write is worth repeating: unavailable, or cut off by the server.

    A call the client itself cancels ends in ``asyncio.CancelledError``, never here.
    """
    return isinstance(error, grpc.aio.AioRpcError) and error.code() in CUT_CODES


def retrying(
    attempts: int = MAX_ATTEMPTS,
    max_delay_s: float = MAX_DELAY_S,
    worth_retrying: Callable[[BaseException], bool] = is_transient,
) -> AsyncRetrying:
    """A tenacity controller with the house policy for unary calls."""
    return AsyncRetrying(
        retry=retry_if_exception(worth_retrying),
        wait=house_wait(RETRY_MAX_WAIT_S, RETRY_JITTER_S),
        stop=stop_after_attempt(attempts) | stop_after_delay(max_delay_s),
        reraise=True,
    )


async def call_with_retry(call: Callable[[], Awaitable[T]], attempts: int = MAX_ATTEMPTS) -> T:
    """Runs ``call`` again while it fails with UNAVAILABLE.

    Only reads and writes that carry an idempotency key may be passed here: a
    retried write without one could be applied twice.
    """
    async for attempt in retrying(attempts):
        with attempt:
            return await call()
    raise AssertionError("unreachable")  # pragma: no cover


async def call_keyed_write(call: Callable[[], Awaitable[T]]) -> T:
    """Runs a write that carries its idempotency key again while it fails with UNAVAILABLE or CANCELLED.

    ``call`` must send the same key every time: a repeat of a write that committed before its
    answer was cut then returns that write's outcome.
    """
    async for attempt in retrying(KEYED_MAX_ATTEMPTS, KEYED_MAX_DELAY_S, is_cut):
        with attempt:
            return await call()
    raise AssertionError("unreachable")  # pragma: no cover


class Backoff:
    """Paces the reconnects of one long-lived stream (or the retries of one loop).

    The caller asks ``next_wait()`` before every reconnect, whether the last stream
    failed or ended normally, and sleeps that long: 100 ms, doubling up to ``max_s``,
    jittered. The waits start over once a stream has stayed up for ``steady_s`` (a
    stream the server ends right after accepting it does not count as healthy) or on
    ``reset()``. An outage is the time since the stream was last up (or since the
    start); ``exhausted()`` says when it has lasted ``give_up_s``.

    Args:
        give_up_s: How long one outage may last; None for no limit.
        max_s: Longest wait before the jitter.
        jitter_s: Up to this much is added to each wait at random.
        steady_s: How long a stream must stay up for the waits to start over; ``max_s`` if None.
        clock: Monotonic seconds.
    """

    def __init__(
        self,
        give_up_s: float | None = None,
        *,
        max_s: float = RECONNECT_MAX_WAIT_S,
        jitter_s: float = RECONNECT_JITTER_S,
        steady_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wait = house_wait(max_s, jitter_s)
        # tenacity's wait strategies read only the attempt number from the call state.
        self._state = RetryCallState(AsyncRetrying(), fn=None, args=(), kwargs={})
        self._give_up_s = give_up_s
        self._steady_s = max_s if steady_s is None else steady_s
        self._clock = clock
        self._down_since = clock()
        self._up_since: float | None = None

    def connected(self) -> None:
        """The stream is up (the server accepted it): the outage, if any, is over."""
        self._up_since = self._clock()

    def reset(self) -> None:
        """Starts the waits over (the last attempt made progress)."""
        self._state.attempt_number = 1

    def exhausted(self) -> bool:
        """True once the current outage has lasted ``give_up_s``."""
        if self._give_up_s is None or self._up_since is not None:
            return False
        return self._clock() - self._down_since >= self._give_up_s

    def next_wait(self) -> float:
        """Seconds to wait before the next attempt; each call counts one attempt."""
        now = self._clock()
        if self._up_since is not None:
            if now - self._up_since >= self._steady_s:
                self.reset()
            self._up_since = None
            self._down_since = now
        wait = self._wait(self._state)
        self._state.attempt_number += 1
        return wait
