"""Writes the next revision of a node's migrations from what its schema.py has that the revisions lack.

    python scripts/new_migration.py central "months can pause"
    python scripts/new_migration.py branch "returns" --empty   # a revision to write by hand

It upgrades a temporary SQLite database to the newest revision, lets Alembic's
autogenerate compare it with the node's tables and writes what differs as
``versions/v<next number>_<slug>.py``, formatted. Read it before committing:
autogenerate sees SQLite only, and a NOT NULL column on a table with rows
needs ``nodekit.db.revisions.add_filled_column``.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from nodekit.db.migrate import Migrations, alembic_config, newest_revision

NODES = {"central": "central.storage.migrations", "branch": "branch_node.storage.migrations"}


def new_revision(migrations: Migrations, message: str, autogenerate: bool = True) -> Path:
    """Writes the revision after the newest one; returns its file."""
    rev_id = f"{int(newest_revision(migrations)) + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/head.sqlite3")
        try:
            with engine.begin() as connection:
                config = alembic_config(migrations, connection)
                command.upgrade(config, "head")
                command.revision(config, message, autogenerate=autogenerate, rev_id=rev_id)
        finally:
            engine.dispose()
    (written,) = (migrations.directory / "versions").glob(f"v{rev_id}_*.py")
    for ruff in (["check", "--fix", "--quiet"], ["format", "--quiet"]):
        subprocess.run([sys.executable, "-m", "ruff", *ruff, str(written)], check=False)
    return written


def main() -> None:
    """Writes the revision the command line asks for and prints its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("node", choices=sorted(NODES))
    parser.add_argument("message", help="what the revision changes, in a few words")
    parser.add_argument("--empty", action="store_true", help="no autogenerate: an upgrade() to fill in")
    args = parser.parse_args()
    migrations: Migrations = importlib.import_module(NODES[args.node]).MIGRATIONS
    print(new_revision(migrations, args.message, autogenerate=not args.empty))


if __name__ == "__main__":
    main()
