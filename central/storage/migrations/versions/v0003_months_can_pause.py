"""The month's clock can stop: when the pause in progress began and the time paused before it."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds the months' pause columns; months already there were never paused."""
    op.add_column("months", sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("months", sa.Column("paused_ms", sa.BigInteger(), server_default="0", nullable=False))
