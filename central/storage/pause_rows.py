"""The month clock's rows: pause and resume as conditional writes, and the clock check of a deadline close.

Pause: only an OPEN month whose clock runs (``paused_at IS NULL``). Resume: only an OPEN
month that is paused; it adds the pause to ``paused_ms``, which moves the deadline later.
Both notify the change feed, so every central's month desk reloads the row and its timers
follow it. A deadline close checks the clock in its own transaction too
(``deadline_conditions``), so a timer that fires as another central pauses or resumes the
month closes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.engine import Connection

from central.domain import failures
from central.domain.month_clock import clock_of
from central.domain.months import MonthState
from central.storage import changes
from central.storage.month_reads import month_row
from central.storage.schema import months
from nodekit.errors import precondition


def _open_row(connection: Connection, month: int) -> Any:
    """The row of ``month`` (0: the latest), which must be OPEN."""
    row = month_row(connection, month)
    if row is None:
        raise failures.month_not_open(month, "unknown")
    if row.state != MonthState.OPEN.value:
        raise failures.month_not_open(row.month, row.state)
    return row


def pause_row(connection: Connection, month: int, now: datetime) -> int:
    """Stops the clock of the OPEN ``month`` (0: the latest); returns its number.

    Raises:
        DomainError: MONTH_NOT_OPEN, or MONTH_ALREADY_PAUSED.
    """
    row = _open_row(connection, month)
    paused = connection.execute(
        update(months)
        .where(
            months.c.month == row.month,
            months.c.state == MonthState.OPEN.value,
            months.c.paused_at.is_(None),
        )
        .values(paused_at=now)
        .returning(months.c.month)
    ).first()
    if paused is None:
        raise failures.already_paused(row.month)
    changes.month(connection)
    return int(row.month)


def resume_row(connection: Connection, month: int, now: datetime) -> int:
    """Restarts the clock of the paused ``month`` (0: the latest); returns its number.

    Raises:
        DomainError: MONTH_NOT_OPEN, or MONTH_NOT_PAUSED.
    """
    row = _open_row(connection, month)
    if row.paused_at is None:
        raise failures.not_paused(row.month)
    resumed = connection.execute(
        update(months)
        .where(
            months.c.month == row.month,
            months.c.state == MonthState.OPEN.value,
            months.c.paused_at == row.paused_at,
        )
        .values(paused_at=None, paused_ms=clock_of(row).resumed_ms(now))
        .returning(months.c.month)
    ).first()
    if resumed is None:
        # Another caller resumed it between the read and the write.
        raise failures.not_paused(row.month)
    changes.month(connection)
    return int(row.month)


def deadline_conditions(connection: Connection, month: int, now: datetime) -> list[ColumnElement[bool]]:
    """What a deadline close adds to its conditional update: the clock runs and has passed the deadline.

    Raises:
        DomainError: MONTH_PAUSED, or DEADLINE_NOT_REACHED (the month was resumed later elsewhere).
    """
    row = connection.execute(select(months).where(months.c.month == month)).first()
    if row is None:
        return []
    clock = clock_of(row)
    if clock.paused:
        raise precondition("MONTH_PAUSED", f"Month {month} is paused; its deadline waits.", month=month)
    deadline = clock.deadline(now)
    if deadline is not None and deadline > now:
        raise precondition(
            "DEADLINE_NOT_REACHED",
            f"Month {month} closes at {deadline.isoformat()}, not yet.",
            month=month,
        )
    return [months.c.paused_at.is_(None), months.c.paused_ms == clock.paused_ms]
