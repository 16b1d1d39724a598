"""Bounded polls: wait on a condition with a deadline, never a fixed sleep."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

T = TypeVar("T")

TIMEOUT = 10.0


async def assert_eventually(
    check: Callable[[], Awaitable[T]], timeout_s: float = TIMEOUT, interval_s: float = 0.02
) -> T:
    """Polls ``check`` until it returns without AssertionError, for at most ``timeout_s``; its result."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return await check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(interval_s)


async def eventually(condition: Callable[[], bool], timeout_s: float = TIMEOUT) -> None:
    """Polls ``condition`` until true, failing after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def until(
    check: Callable[[], Awaitable[bool]],
    timeout_s: float = 15.0,
    what: str = "condition",
    interval_s: float = 0.05,
) -> None:
    """Polls the async ``check`` until it is true; fails naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout_s:.0f}s")
        await asyncio.sleep(interval_s)


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Polls ``condition`` until true (blocking); fails naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(0.05)
