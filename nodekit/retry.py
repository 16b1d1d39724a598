"""The one retry policy: only UNAVAILABLE, bounded, jittered backoff of at least 100 ms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

T = TypeVar("T")

MAX_ATTEMPTS = 5
MAX_DELAY_S = 15.0


def is_transient(error: BaseException) -> bool:
    """True for errors worth retrying: the server was unavailable."""
    return isinstance(error, grpc.aio.AioRpcError) and error.code() == grpc.StatusCode.UNAVAILABLE


def retrying(attempts: int = MAX_ATTEMPTS, max_delay_s: float = MAX_DELAY_S) -> AsyncRetrying:
    """A tenacity controller with the house policy."""
    return AsyncRetrying(
        retry=retry_if_exception(is_transient),
        wait=wait_exponential_jitter(multiplier=0.1, max=2.0, jitter=0.1),
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
