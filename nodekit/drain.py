"""Graceful shutdown for guarded calls: answer the calls in flight, refuse new ones, end streams.

``grpc.aio.Server.stop(grace)`` cuts (CANCELLED) every call that has reached the server
but not yet its handler, and a server stream that never ends keeps it waiting for the
whole grace. So a node drains first: the handlers in flight finish with their real
answers; a call that comes in after the drain began is held at the door, not refused at
once, so its caller sends no new call that would wait in gRPC's queue; streams end (a
server stream with UNAVAILABLE, a client stream as if the peer had finished sending).
Once the calls in flight are answered and none has come in for ``QUIET_S``, the server
is told to stop (it then takes no new call: a caller hears UNAVAILABLE from its channel)
and only then the held calls are answered UNAVAILABLE: nothing was done, retry elsewhere.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import grpc

from nodekit.decoding import Undecodable, malformed
from nodekit.errors import DomainError, ErrorKind

T = TypeVar("T")

# No new call for this long: every caller waits at the door, none is left in gRPC's queue.
QUIET_S = 0.25
_POLL_S = 0.02
# Kept from the grace for answering the held calls UNAVAILABLE.
ANSWER_S = 0.5


def shutting_down() -> DomainError:
    """The UNAVAILABLE error for a call that comes in while the server drains."""
    return DomainError(
        ErrorKind.UNAVAILABLE, "SHUTTING_DOWN", "The server is shutting down; retry on another one."
    )


class Drain:
    """Counts the calls in flight, holds late ones at the door and ends streams when shutdown starts."""

    def __init__(self) -> None:
        self.closing = False
        # Calls that came in before the drain began and have not ended.
        self.in_flight = 0
        self._last_call = 0.0
        self._refuse = asyncio.Event()
        # Tasks waiting for a stream's next message, and those of them this drain cancelled.
        self._waiting: set[asyncio.Task[Any]] = set()
        self._cut: set[asyncio.Task[Any]] = set()

    def enter(self) -> bool:
        """A call has started; True when it counts as in flight (it came in before the drain began).

        One that starts after the drain began is refused, not waited for.
        """
        if self.closing:
            self._last_call = time.monotonic()
            return False
        self.in_flight += 1
        return True

    def leave(self, counted: bool) -> None:
        """A call has ended; ``counted`` is what its ``enter`` returned."""
        if counted:
            self.in_flight -= 1

    async def refuse(self) -> None:
        """Raises SHUTTING_DOWN for a call that came in after the drain began, once the server stops."""
        await self._refuse.wait()
        raise shutting_down()

    def close(self) -> None:
        """Starts the shutdown: from now on calls are refused and waiting streams end."""
        self.closing = True
        self._last_call = time.monotonic()
        for task in self._waiting:
            self._cut.add(task)
            task.cancel()

    async def idle(self, timeout_s: float) -> bool:
        """Waits until no call is in flight and none has come in for ``QUIET_S``; False on timeout."""
        deadline = time.monotonic() + timeout_s
        while self.in_flight > 0 or time.monotonic() - self._last_call < QUIET_S:
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(_POLL_S)
        return True

    async def stop_server(self, server: grpc.aio.Server, deadline: float) -> bool:
        """Stops ``server`` once idle (or at the monotonic ``deadline``); False when calls were cut.

        The server is told to stop before the held calls are refused, so that their callers'
        next calls find it closed (UNAVAILABLE) rather than waiting in its queue to be cut.
        """
        idle = await self.idle(max(0.0, deadline - time.monotonic() - ANSWER_S))
        stopping = asyncio.create_task(server.stop(max(ANSWER_S, deadline - time.monotonic())))
        # One turn of the loop: the stop has begun (gRPC takes no new call) before anyone is refused.
        await asyncio.sleep(0)
        self._refuse.set()
        await stopping
        return idle

    async def replies(self, replies: AsyncIterator[T]) -> AsyncIterator[T]:
        """``replies`` until they end, or until shutdown starts (then raises SHUTTING_DOWN)."""
        while True:
            if self.closing:
                raise shutting_down()
            try:
                reply = await self._next(replies)
            except StopAsyncIteration:
                return
            except _Cut:
                raise shutting_down() from None
            yield reply

    def requests(self, requests: Any, method: str) -> Requests:
        """A client stream's requests, ending at shutdown; undecodable messages are refused."""
        return Requests(self, requests, method)

    async def _next(self, iterator: AsyncIterator[T]) -> T:
        """The iterator's next item; raises ``_Cut`` when shutdown interrupts the wait."""
        task = asyncio.current_task()
        assert task is not None
        self._waiting.add(task)
        try:
            return await iterator.__anext__()
        except asyncio.CancelledError:
            if task not in self._cut:
                raise
            self._cut.discard(task)
            task.uncancel()
            raise _Cut from None
        finally:
            self._waiting.discard(task)


class _Cut(Exception):
    """A stream's wait was ended by the shutdown."""


class Requests:
    """The request stream of a call, ended early (as if the peer were done) when shutdown starts."""

    def __init__(self, drain: Drain, requests: Any, method: str) -> None:
        self._drain = drain
        self._requests = requests
        self._iterator: AsyncIterator[Any] | None = None
        self._method = method

    def __aiter__(self) -> Requests:
        return self

    async def __anext__(self) -> Any:
        if self._drain.closing:
            raise StopAsyncIteration
        if self._iterator is None:
            self._iterator = self._requests.__aiter__()
        try:
            request = await self._drain._next(self._iterator)
        except _Cut:
            raise StopAsyncIteration from None
        if isinstance(request, Undecodable):
            raise malformed(self._method)
        return request
