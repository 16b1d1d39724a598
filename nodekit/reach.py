"""While a node cannot reach the central it says so, one line every few seconds, with a hint to start one."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import grpc

from nodekit.addresses import split_host_port

logger = logging.getLogger(__name__)

REMIND_EVERY_S = 5.0


def unreachable_line(target: str) -> str:
    """The line for a central at ``target`` (``host:port`` or several) that does not answer."""
    entries = target.split(",")
    try:
        port = str(split_host_port(entries[0])[1])
    except ValueError:
        port = "PORT"
    where = f"the central at {target}" if len(entries) == 1 else f"any central at {target}"
    return f"cannot reach {where} yet; is it running? start one with `python -m central --port {port}`"


def is_unreachable(error: BaseException) -> bool:
    """True for a call that failed because no central answered (none listening, or not yet)."""
    return isinstance(error, grpc.aio.AioRpcError) and error.code() in (
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
    )


class ReachNotice:
    """Says ``unreachable_line`` at the first failure and then at most every ``every_s`` seconds.

    Args:
        target: The ``--central`` value.
        say: Where the line goes; a warning in the node's log by default.
        every_s: Seconds between two lines during one outage.
        clock: Monotonic seconds.
    """

    def __init__(
        self,
        target: str,
        say: Callable[[str], None] | None = None,
        every_s: float = REMIND_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._line = unreachable_line(target)
        self._say = say or logger.warning
        self._every_s = every_s
        self._clock = clock
        self._last: float | None = None

    def failed(self) -> None:
        """Another attempt found no central: says the line if it is due."""
        now = self._clock()
        if self._last is None or now - self._last >= self._every_s:
            self._last = now
            self._say(self._line)

    def reached(self) -> None:
        """The central answered: the next outage is told at its first failure."""
        self._last = None
