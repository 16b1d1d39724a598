"""A throwaway PostgreSQL server for tests, now in the testing kit (distribution_testing.postgres)."""

from distribution_testing.postgres import REQUIRE, postgres_server, require_server_binaries

__all__ = ["REQUIRE", "postgres_server", "require_server_binaries"]
