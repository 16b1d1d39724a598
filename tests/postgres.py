"""A throwaway PostgreSQL server for tests, now in the testing kit (distribution_testing.postgres)."""

import uuid

import asyncpg

from distribution_testing.postgres import REQUIRE, postgres_server, require_server_binaries

__all__ = ["REQUIRE", "fresh_database", "postgres_server", "require_server_binaries"]


async def fresh_database(server: str, prefix: str) -> str:
    """Makes a new, empty database on the worker's ``server`` (its SQLAlchemy URL); returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server.replace("postgresql+asyncpg", "postgresql"), timeout=30)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return server.rsplit("/", 1)[0] + f"/{name}"
