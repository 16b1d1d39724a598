"""Brings a node's database to the newest schema with its Alembic migrations, under the write lock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from nodekit.db.engine import WRITE, is_sqlite
from nodekit.db.schema import SCHEMA_LOCK
from nodekit.db.types import UtcDateTime

# Revision files are named by their number, so the folder lists them in order.
FILE_TEMPLATE = "v%%(rev)s_%%(slug)s"


class SchemaTooNew(Exception):
    """The database was migrated by a newer version of the program than this one."""


@dataclass(frozen=True)
class Migrations:
    """One node's migration environment, shipped inside its package.

    Attributes:
        directory: The Alembic script folder (``env.py``, ``versions/``).
        metadata: Today's tables, which the newest revision must produce.
        baseline: The revision of a database made before there were migrations
            (tables made by ``create_all``, no ``alembic_version``).
    """

    directory: Path
    metadata: MetaData
    baseline: str


def alembic_config(migrations: Migrations, connection: Connection | None = None) -> Config:
    """Alembic's configuration for ``migrations``, built in code: no alembic.ini is needed."""
    config = Config()
    config.set_main_option("script_location", str(migrations.directory))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.attributes["connection"] = connection
    config.attributes["metadata"] = migrations.metadata
    return config


def newest_revision(migrations: Migrations) -> str:
    """The head revision of ``migrations``."""
    head = ScriptDirectory.from_config(alembic_config(migrations)).get_current_head()
    assert head is not None, f"no revisions in {migrations.directory}"
    return head


async def migrate(engine: AsyncEngine, migrations: Migrations, to: str = "head") -> None:
    """Brings the database to revision ``to``: an empty one is made, an older one upgraded.

    Several processes may start at the same moment on one database: on
    PostgreSQL they take turns under an advisory lock held until the commit;
    on SQLite the write transaction (BEGIN IMMEDIATE) holds the file's write
    lock. Every revision runs in that one transaction, so each process finds
    the database either before all of them or after.

    Raises:
        SchemaTooNew: The database is at a revision this program does not know.
    """
    async with engine.connect() as connection:
        connection = await connection.execution_options(**{WRITE: True})
        async with connection.begin():
            if not is_sqlite(engine):
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            await connection.run_sync(_upgrade, migrations, to)


def _upgrade(connection: Connection, migrations: Migrations, to: str) -> None:
    config = alembic_config(migrations, connection)
    script = ScriptDirectory.from_config(config)
    current = MigrationContext.configure(connection).get_current_heads()
    known = {revision.revision for revision in script.walk_revisions()}
    for revision in current:
        if revision not in known:
            raise SchemaTooNew(
                f"the database is at schema revision {revision!r}, newer than this program"
                f" (its newest is {script.get_current_head()!r}): run the newer version"
            )
    if not current and _has_tables(connection, migrations.metadata):
        command.stamp(config, migrations.baseline)
    command.upgrade(config, to)


def _has_tables(connection: Connection, metadata: MetaData) -> bool:
    present = set(inspect(connection).get_table_names())
    return any(name in present for name in metadata.tables)


def _render_item(kind: str, item: object, _context: object) -> str | Literal[False]:
    # A revision is frozen: it names SQLAlchemy's own column type, never the code's decorator of it.
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_environment() -> None:
    """The body of every ``env.py``: runs the revisions on the connection the caller configured."""
    from alembic import context

    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("these migrations run on a connection (nodekit.db.migrate); offline mode is off")
    context.configure(
        connection=connection, target_metadata=config.attributes["metadata"], render_item=_render_item
    )
    # Inside the caller's transaction this begins nothing: the caller commits every revision at once.
    with context.begin_transaction():
        context.run_migrations()
