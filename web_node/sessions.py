"""Headquarters' sessions: a random id per log-in, kept on the server, ended by log-out or by age."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

# A lecture's length and some: a session left open on a classroom machine does not last for days.
SESSION_TTL_S = 8 * 3600.0
# Log-ins kept at most (the oldest end first), so log-ins alone cannot fill the memory.
MAX_SESSIONS = 1_000


@dataclass(slots=True)
class OperatorSessions:
    """The open operator sessions, by id.

    Args:
        ttl_s: How long a session lasts after its log-in.
        clock: Monotonic seconds (tests may pass their own).
    """

    ttl_s: float = SESSION_TTL_S
    clock: Callable[[], float] = time.monotonic
    _expiry: OrderedDict[str, float] = field(default_factory=OrderedDict)

    def open(self) -> str:
        """A new session's id (the cookie's value)."""
        session = secrets.token_urlsafe(32)
        self._expiry[session] = self.clock() + self.ttl_s
        while len(self._expiry) > MAX_SESSIONS:
            self._expiry.popitem(last=False)
        return session

    def valid(self, session: str) -> bool:
        """Whether ``session`` is open and not expired (an expired one is dropped)."""
        expiry = self._expiry.get(session)
        if expiry is None:
            return False
        if self.clock() < expiry:
            return True
        del self._expiry[session]
        return False

    def close(self, session: str) -> None:
        """Ends ``session`` (log-out); unknown ids are ignored."""
        self._expiry.pop(session, None)
