"""Several centrals: stock line versions, offers' due time and replies, the central a manufacturer is at."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nodekit.db.revisions import add_filled_column

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Adds what the database lacks of this revision.

    A database made by ``create_all`` between the baseline and this revision
    (no ``alembic_version``, so taken for the baseline) has some of it already.
    """
    present = sa.inspect(op.get_bind())
    columns = {
        table: {column["name"] for column in present.get_columns(table)}
        for table in ("stock_lines", "months", "manufacturers")
    }
    if "version" not in columns["stock_lines"]:
        # Lines already there start at version 0, as a new line does.
        add_filled_column("stock_lines", "version", sa.BigInteger(), "0")
    if "offers_due_at" not in columns["months"]:
        op.add_column("months", sa.Column("offers_due_at", TIMESTAMP, nullable=True))
    if "linked_to" not in columns["manufacturers"]:
        op.add_column("manufacturers", sa.Column("linked_to", sa.String(length=32), nullable=True))
    if not present.has_table("offer_replies"):
        op.create_table(
            "offer_replies",
            sa.Column("month", sa.Integer(), nullable=False),
            sa.Column("manufacturer_id", ID, nullable=False),
            sa.Column("accepted", sa.Boolean(), nullable=False),
            sa.Column("at", TIMESTAMP, nullable=False),
            sa.ForeignKeyConstraint(["manufacturer_id"], ["manufacturers.manufacturer_id"]),
            sa.ForeignKeyConstraint(["month"], ["months.month"]),
            sa.PrimaryKeyConstraint("month", "manufacturer_id"),
        )
