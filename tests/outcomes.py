"""Counts how calls ended (status code and reason) so a test can say which answers a caller saw."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import grpc

from nodekit.status import from_rpc_error

T = TypeVar("T")

# Codes that mean the central broke, not that it refused: none may reach a caller.
BROKEN = frozenset({"INTERNAL", "UNKNOWN", "UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED"})


@dataclass
class Outcomes:
    """Every call's ending, by ``CODE`` or ``CODE/REASON``, and the details of the broken ones."""

    seen: Counter[str] = field(default_factory=Counter)
    broken: list[str] = field(default_factory=list)

    async def record(self, what: str, call: Awaitable[T]) -> T | None:
        """Awaits ``call``; returns its reply, or None when it failed (the failure is counted)."""
        try:
            reply = await call
        except grpc.aio.AioRpcError as error:
            code = error.code().name
            reason = from_rpc_error(error).reason
            self.seen[f"{code}/{reason}" if reason else code] += 1
            if code in BROKEN:
                self.broken.append(f"{what}: {code} {error.details()!r}")
            return None
        self.seen["OK"] += 1
        return reply

    def refusals(self) -> set[str]:
        """Every ending other than OK."""
        return {key for key in self.seen if key != "OK"}

    def unexpected(self, allowed: Iterable[str]) -> dict[str, int]:
        """Endings outside ``allowed`` (OK is always allowed), with their counts."""
        ok = {"OK", *allowed}
        return {key: n for key, n in self.seen.items() if key not in ok}
