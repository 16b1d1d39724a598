"""A value that changes, followed by any number of pages: each follower gets the latest, never a backlog."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator


class Topic:
    """Holds the latest payload (a JSON text) and wakes its followers when it changes.

    A slow follower skips intermediate payloads and gets the newest one: what a live page
    shows is the present, and no follower can make the node hold an unbounded queue.

    No lock is held across an await: each change sets the event its followers wait on and
    puts a fresh one in its place, so a follower cancelled at any moment (a tab closing
    during a publish) only drops its own wait and never leaves shared state half-taken.
    """

    def __init__(self, initial: str = "") -> None:
        self._payload = initial
        self._version = 0
        self._closed = False
        self._changed = asyncio.Event()

    @property
    def payload(self) -> str:
        """The latest payload."""
        return self._payload

    async def publish(self, payload: str) -> None:
        """Sets the payload and wakes the followers (an unchanged payload wakes nobody)."""
        if payload == self._payload or self._closed:
            return
        self._payload = payload
        self._version += 1
        self._wake()

    async def close(self) -> None:
        """Ends every follower's iteration."""
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        woken, self._changed = self._changed, asyncio.Event()
        woken.set()

    async def follow(self, idle_s: float) -> AsyncIterator[str | None]:
        """The current payload, then each newer one; None after ``idle_s`` without a change."""
        seen = self._version
        yield self._payload
        while not self._closed:
            if self._version == seen:
                changed = self._changed
                try:
                    async with asyncio.timeout(idle_s):
                        await changed.wait()
                except TimeoutError:
                    yield None
                    continue
            if self._closed:
                return
            seen = self._version
            yield self._payload
