"""Slows down guessing of the operator key: growing waits per client address and a cap on wrong keys in total.

A right key is never throttled by the total cap alone once its address is allowed a try, and a
right key clears its address's record; an attacker's address waits longer after every wrong key
without holding up any other address for more than a moment.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

# Wrong keys an address may send back to back before it has to wait.
FREE_TRIES = 3
FIRST_WAIT_S = 0.5
LONGEST_WAIT_S = 60.0
# A record with no wrong key for this long is forgotten.
FORGET_AFTER_S = 900.0
# Wrong keys per second from all addresses together, with this burst.
TOTAL_PER_S = 5.0
TOTAL_BURST = 10.0
# Addresses remembered at most (the oldest go first): a flood of addresses cannot fill the memory.
MAX_ADDRESSES = 10_000


@dataclass(slots=True)
class _Record:
    wrong: int = 0
    not_before: float = 0.0
    last: float = 0.0


@dataclass(slots=True)
class KeyThrottle:
    """Decides whether a login try may be checked now, and learns from its outcome.

    Args:
        clock: Monotonic seconds (tests may pass their own).
    """

    clock: Callable[[], float] = time.monotonic
    _records: OrderedDict[str, _Record] = field(default_factory=OrderedDict)
    _tokens: float = TOTAL_BURST
    _filled_at: float = 0.0

    def wait_s(self, address: str) -> float:
        """Seconds ``address`` must wait before its next try is checked (0: check it now)."""
        now = self.clock()
        record = self._records.get(address)
        if record is not None and now - record.last > FORGET_AFTER_S:
            del self._records[address]
            record = None
        if record is not None and now < record.not_before:
            return record.not_before - now
        self._refill(now)
        if self._tokens < 1.0:
            return (1.0 - self._tokens) / TOTAL_PER_S
        return 0.0

    def wrong(self, address: str) -> None:
        """Records a wrong key from ``address``: the address waits longer, the total cap is spent."""
        now = self.clock()
        self._refill(now)
        self._tokens = max(0.0, self._tokens - 1.0)
        record = self._records.pop(address, None) or _Record()
        record.wrong += 1
        record.last = now
        extra = record.wrong - FREE_TRIES
        if extra > 0:
            record.not_before = now + min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** (extra - 1))
        self._records[address] = record
        while len(self._records) > MAX_ADDRESSES:
            self._records.popitem(last=False)

    def right(self, address: str) -> None:
        """A right key from ``address`` clears its record."""
        self._records.pop(address, None)

    def _refill(self, now: float) -> None:
        self._tokens = min(TOTAL_BURST, self._tokens + (now - self._filled_at) * TOTAL_PER_S)
        self._filled_at = now


def retry_after(wait_s: float) -> str:
    """The Retry-After header's whole seconds (at least 1)."""
    return str(max(1, math.ceil(wait_s)))
