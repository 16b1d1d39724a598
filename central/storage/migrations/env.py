"""Alembic's entry point for these migrations: they run on the connection the start-up passes in."""

from nodekit.db.migrate import run_environment

run_environment()
