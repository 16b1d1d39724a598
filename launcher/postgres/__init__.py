"""The throwaway PostgreSQL server a run, a test or a benchmark starts on loopback, and its keeper process."""

from __future__ import annotations

from launcher.postgres.server import (
    SUPERUSER,
    PostgresUnavailable,
    fresh_database,
    raw_url,
    release_keeper,
    server_binaries,
    server_user,
    start_keeper,
    throwaway_postgres,
)

__all__ = [
    "SUPERUSER",
    "PostgresUnavailable",
    "fresh_database",
    "raw_url",
    "release_keeper",
    "server_binaries",
    "server_user",
    "start_keeper",
    "throwaway_postgres",
]
