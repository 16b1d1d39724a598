"""Per-caller rate limits: a token bucket per principal, or per peer address for callers without one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# Buckets kept before the full ones (callers quiet long enough to be at their burst) are dropped.
MAX_BUCKETS = 10_000


@dataclass
class RateLimit:
    """A token bucket per caller: ``rate`` calls per second with bursts of ``burst``."""

    rate: float
    burst: float
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        """Takes one token from ``key``'s bucket; False when it is empty."""
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        if len(self._buckets) >= MAX_BUCKETS and key not in self._buckets:
            self._forget_full(now)
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def _forget_full(self, now: float) -> None:
        # A full bucket is the same as no bucket: many peers calling once keep no memory.
        self._buckets = {
            key: (tokens, last)
            for key, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.rate < self.burst
        }


def peer_host(peer: str) -> str:
    """The address part of a grpc peer string, without the port: every connection of a host shares it.

    ``ipv4:127.0.0.1:5000`` -> ``127.0.0.1``, ``ipv6:[::1]:5000`` -> ``::1``; anything else whole.
    """
    kind, sep, rest = peer.partition(":")
    if not sep:
        return peer
    if kind == "ipv4":
        return rest.rpartition(":")[0] or rest
    if kind == "ipv6":
        rest = rest.replace("%5B", "[").replace("%5D", "]")
        host = rest.rpartition(":")[0] or rest
        return host.strip("[]")
    return peer
