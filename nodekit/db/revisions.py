"""What revisions share: adding a NOT NULL column to a table that already has rows."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.types import TypeEngine


def add_filled_column(table: str, name: str, type_: TypeEngine[Any], fill: str) -> None:
    """Adds the NOT NULL column ``name`` to ``table``; the rows already there get the SQL value ``fill``.

    SQLite adds such a column only with a default, and keeps it (harmless: the
    code writes every value itself); PostgreSQL drops it again, so the column is
    the one ``create_all`` makes.
    """
    op.add_column(table, sa.Column(name, type_, nullable=False, server_default=sa.text(fill)))
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(table, name, server_default=None)
