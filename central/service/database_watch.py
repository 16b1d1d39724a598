"""Notices the database going away and coming back: UNAVAILABLE and NOT_SERVING meanwhile, two log lines."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from central.storage.outage import database_gone
from nodekit.errors import DomainError, ErrorKind

logger = logging.getLogger(__name__)

# How often a central whose database is gone tries it again, and how long one try may take.
PROBE_EVERY_S = 0.2
PROBE_TIMEOUT_S = 2.0
# While it is there, how long a shared database may be silent before it is asked whether it still
# answers, and how long it may take: a hung server (stopped, packets dropped) raises no error, it just
# never answers. A read the central makes anyway (the feed's refresh every 0.25 s, ``answered``) counts
# as an answer; the silence allowed is a little longer than the refresh's period, so that a refresh late
# by a few milliseconds does not bring a probe, and the two together notice a hang within 0.9 s of the
# last answer, which leaves the event loop of a loaded machine some of the 1 s the central is allowed.
HEARTBEAT_EVERY_S = 0.3
HEARTBEAT_TIMEOUT_S = 0.6
Probe = Callable[[], Awaitable[None]]
Changed = Callable[[bool], Awaitable[None]]
Abandon = Callable[[BaseException], object]


class DatabaseHung(TimeoutError):
    """The database did not answer the heartbeat in time (a stopped server, a network dropping packets)."""


def unavailable() -> DomainError:
    """What a caller hears while the database is gone: retry later, at this central or another."""
    return DomainError(
        ErrorKind.UNAVAILABLE,
        "DATABASE_UNAVAILABLE",
        "The central cannot reach its database right now; please retry shortly.",
    )


class DatabaseWatch:
    """Whether the database is there; on the first failure it probes until the database answers again.

    While it is down, calls are refused UNAVAILABLE before they touch the database
    and background work waits, so an outage costs a log line at each end rather
    than a traceback per call.

    Args:
        probe: One try of the database (raises while it is gone).
        changed: Told False when the outage starts and True once the database is back.
        abandon: Told the callers' UNAVAILABLE when an outage starts, to answer every caller
            still waiting on the database with it (the writer's queue) rather than at its deadline.
        heartbeat: Whether to probe while the database is there too (``start``): a hung
            database is noticed only so, since nothing waiting on it fails. The probe is sent
            only when nothing else heard the database answer for ``HEARTBEAT_EVERY_S``.
    """

    def __init__(
        self, probe: Probe, changed: Changed, abandon: Abandon | None = None, heartbeat: bool = False
    ) -> None:
        self._probe = probe
        self._changed = changed
        self._abandon = abandon
        # Calls under way that may be waiting on the database; cut (cancelled) when an outage starts.
        self.waiting: set[asyncio.Task[object]] = set()
        self._cut: set[asyncio.Task[object]] = set()
        self._heartbeat = heartbeat
        self._beating: asyncio.Task[None] | None = None
        self._answered_at = time.monotonic()
        self.down = False
        self.outages = 0
        self.refused = 0
        self._since = 0.0
        self._back = asyncio.Event()
        self._back.set()
        self._task: asyncio.Task[None] | None = None

    def failed(self, error: BaseException) -> DomainError:
        """Notes a failure that ``database_gone`` recognised; returns the caller's UNAVAILABLE."""
        self.refused += 1
        if not self.down:
            self.down = True
            self.outages += 1
            self._since = time.monotonic()
            self._back.clear()
            logger.warning(
                "database unavailable (%s); answering UNAVAILABLE and NOT_SERVING until it is back",
                _one_line(error),
            )
            self._task = asyncio.create_task(self._until_back(), name="database-watch")
            if self._abandon is not None:
                self._abandon(unavailable())
            current = asyncio.current_task()
            for task in self.waiting:
                # A hung database answers them never, and a gone one late: they hear UNAVAILABLE now.
                if task is not current and task not in self._cut:
                    self._cut.add(task)
                    task.cancel()
        return unavailable()

    def was_cut(self, task: asyncio.Task[object]) -> bool:
        """Whether the watch cancelled ``task`` (its call is then answered UNAVAILABLE, not cancelled)."""
        if task not in self._cut:
            return False
        self._cut.discard(task)
        task.uncancel()
        return True

    def answered(self) -> None:
        """The database just answered a read the central made anyway: the heartbeat need not ask it."""
        self._answered_at = time.monotonic()

    def refusal(self) -> DomainError:
        """UNAVAILABLE for a call that arrives while the database is down."""
        self.refused += 1
        return unavailable()

    def check(self, error: BaseException) -> BaseException:
        """``error`` itself, or UNAVAILABLE when it says the database is gone (noting the outage)."""
        return self.failed(error) if database_gone(error) else error

    async def wait_back(self) -> None:
        """Returns once the database is there (at once when it is)."""
        await self._back.wait()

    def start(self) -> None:
        """Starts the heartbeat, if the watch has one."""
        if self._heartbeat and self._beating is None:
            self._beating = asyncio.create_task(self._beat(), name="database-heartbeat")

    async def stop(self) -> None:
        """Stops probing (at shutdown)."""
        for task in (self._task, self._beating):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._task = self._beating = None
        close = getattr(self._probe, "close", None)
        if callable(close):
            close()

    async def _beat(self) -> None:
        while True:
            silent_s = time.monotonic() - self._answered_at
            if silent_s < HEARTBEAT_EVERY_S:
                # Heard within the period: asking too would only cost both sides a round trip.
                await asyncio.sleep(HEARTBEAT_EVERY_S - silent_s)
                continue
            if self.down:
                await self._back.wait()
                self._answered_at = time.monotonic()
                continue
            try:
                await asyncio.wait_for(self._probe(), HEARTBEAT_TIMEOUT_S)
            except TimeoutError:
                if not self.down:
                    self.failed(DatabaseHung(f"no answer within {HEARTBEAT_TIMEOUT_S}s"))
            except Exception as error:  # a heartbeat that fails otherwise is an outage only if it says so
                if not self.down and database_gone(error):
                    self.failed(error)
            # Whatever came of it, the next probe is a period away (an odd error asks again then).
            self._answered_at = time.monotonic()

    async def _until_back(self) -> None:
        try:
            await self._changed(False)
        except Exception:
            # Probing must go on whatever reporting the outage met, or the central stays refusing.
            logger.exception("reporting the database outage failed")
        while True:
            await asyncio.sleep(PROBE_EVERY_S)
            try:
                await asyncio.wait_for(self._probe(), PROBE_TIMEOUT_S)
            except Exception:  # whatever the probe raises, the database is not back yet
                continue
            break
        refused, self.refused = self.refused, 0
        logger.warning(
            "database back after %.1fs; SERVING again (%d calls answered UNAVAILABLE meanwhile)",
            time.monotonic() - self._since,
            refused,
        )
        self.down = False
        self._back.set()
        try:
            await self._changed(True)
        except Exception as error:
            # Catching up can meet the database going away again: the next failure starts over.
            if not database_gone(error):
                raise
            self.failed(error)


def _one_line(error: BaseException) -> str:
    """The innermost driver's first line, without SQLAlchemy's wrapping or SQL text."""
    inner: BaseException = error
    orig = getattr(error, "orig", None)
    if isinstance(orig, BaseException):
        inner = orig
    text = (str(inner).strip().splitlines() or [""])[0][:200]
    return f"{type(inner).__name__}: {text}" if text else type(inner).__name__
