"""The throwaway PostgreSQL server of a benchmark run (the launcher's, so there is one)."""

from __future__ import annotations

from launcher.postgres.server import fresh_database, raw_url, throwaway_postgres

postgres_server = throwaway_postgres

__all__ = ["fresh_database", "postgres_server", "raw_url"]
