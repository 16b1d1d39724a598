"""Which database errors mean the database is gone (unreachable, stopped, cannot write), not a bad request."""

from __future__ import annotations

import sqlite3

import asyncpg
from sqlalchemy import exc as sa_exc

from nodekit.errors import DomainError

# SQLSTATE classes of a database that is gone or cannot take writes: connection exception,
# insufficient resources (disk full), operator intervention (shutdown), system error (I/O).
_GONE_CLASSES = ("08", "53", "57", "58")
# SQLite's primary result codes of a file that cannot be written or read.
_SQLITE_GONE = frozenset({8, 10, 13, 14})  # READONLY, IOERR, FULL, CANTOPEN
_SQLITE_WORDS = ("readonly", "disk i/o", "disk is full", "unable to open")


def database_gone(error: BaseException) -> bool:
    """True when ``error`` says the database is unreachable or cannot write, not that a request is wrong.

    Walks the chain the drivers and SQLAlchemy wrap errors in; a domain error
    (a refusal the central meant) is never an outage.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DomainError):
            return False
        if _gone(current):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
    return False


def _gone(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, (OSError, sa_exc.TimeoutError, asyncpg.InterfaceError)):
        return True
    if isinstance(error, asyncpg.PostgresConnectionError):
        return True
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate[:2] in _GONE_CLASSES:
        return True
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in _SQLITE_GONE:
            return True
        return any(word in str(error).lower() for word in _SQLITE_WORDS)
    # SQLAlchemy's asyncpg adapter raises its own classes; their text names what happened.
    adapted = type(error).__module__.startswith("sqlalchemy.dialects")
    return adapted and "connection" in str(error).lower()
