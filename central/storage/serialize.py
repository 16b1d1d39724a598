"""Transaction-wide advisory locks for writes that read, then insert what another central may insert."""

from __future__ import annotations

import enum

from sqlalchemy import text
from sqlalchemy.engine import Connection


class Exclusive(enum.IntEnum):
    """What a lock serializes (the numbers are arbitrary, fixed, and distinct)."""

    MONTHS = 0x5C4E_3A01
    MANUFACTURERS = 0x5C4E_3A02
    BRANCHES = 0x5C4E_3A03


def one_at_a_time(connection: Connection, what: Exclusive) -> None:
    """Holds ``what`` until the transaction ends, so its read-then-insert cannot race another central's.

    On SQLite nothing is needed: one writer at a time holds the whole database.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(what)})
