"""A value that changes, followed by any number of pages: each follower gets the latest, never a backlog."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator


class Topic:
    """Holds the latest payload (a JSON text) and wakes its followers when it changes.

    A slow follower skips intermediate payloads and gets the newest one: what a live page
    shows is the present, and no follower can make the node hold an unbounded queue.
    """

    def __init__(self, initial: str = "") -> None:
        self._payload = initial
        self._version = 0
        self._closed = False
        self._changed = asyncio.Condition()

    @property
    def payload(self) -> str:
        """The latest payload."""
        return self._payload

    async def publish(self, payload: str) -> None:
        """Sets the payload and wakes the followers (an unchanged payload wakes nobody)."""
        if payload == self._payload:
            return
        async with self._changed:
            self._payload = payload
            self._version += 1
            self._changed.notify_all()

    async def close(self) -> None:
        """Ends every follower's iteration."""
        async with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _moved_on(self, seen: int) -> bool:
        return self._closed or self._version != seen

    async def follow(self, idle_s: float) -> AsyncIterator[str | None]:
        """The current payload, then each newer one; None after ``idle_s`` without a change."""
        seen = self._version
        yield self._payload
        while not self._closed:
            moved = functools.partial(self._moved_on, seen)
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait_for(moved), idle_s)
                    changed = True
                except TimeoutError:
                    changed = False
            if self._closed:
                return
            if not changed:
                yield None
                continue
            seen = self._version
            yield self._payload
