"""The branch's schema as of commit 5cce269, the last one made by create_all without migrations."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

# Frozen copies of the column types of that schema: a revision never follows later changes of the code.
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL wants BIGINT.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# UTC instants (nodekit.db.types.UtcDateTime stores them in this column type).
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Creates every table of that schema, in the order of their foreign keys."""
    op.create_table(
        "alerts",
        sa.Column("alert_id", ID, autoincrement=True, nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("reorder_point", sa.BigInteger(), nullable=False),
        sa.Column("raised_at", TIMESTAMP, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("alert_id"),
    )
    op.create_index("ix_alerts_state", "alerts", ["state", "product"], unique=False)
    op.create_table(
        "daily_reports",
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("loss_cents", sa.BigInteger(), nullable=False),
        sa.Column("transaction_count", sa.BigInteger(), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.Column("submitted_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("business_day"),
    )
    op.create_table(
        "lost_sales",
        sa.Column("lost_id", ID, autoincrement=True, nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("requested", sa.BigInteger(), nullable=False),
        sa.Column("available", sa.BigInteger(), nullable=False),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("lost_id"),
    )
    op.create_table(
        "products",
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("unit_cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("product"),
    )
    op.create_table(
        "state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "stock_movements",
        sa.Column("movement_id", ID, autoincrement=True, nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("value_cents", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("movement_id"),
    )
    op.create_index("ix_movements_day", "stock_movements", ["business_day", "kind"], unique=False)
    op.create_table(
        "transactions",
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("subtotal_cents", sa.BigInteger(), nullable=False),
        sa.Column("tax_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("payment_method", sa.String(length=16), nullable=False),
        sa.Column("customer_name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("transaction_id"),
        sa.UniqueConstraint("sequence"),
    )
    op.create_index("ix_transactions_day", "transactions", ["business_day"], unique=False)
    op.create_table(
        "inventory",
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("reorder_point", sa.BigInteger(), nullable=False),
        sa.Column("reorder_quantity", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name="never_below_zero"),
        sa.CheckConstraint("reorder_quantity > reorder_point", name="reorder_lifts_above_point"),
        sa.ForeignKeyConstraint(
            ["product"],
            ["products.product"],
        ),
        sa.PrimaryKeyConstraint("product"),
    )
    op.create_table(
        "outbox",
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("acked_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.transaction_id"],
        ),
        sa.PrimaryKeyConstraint("sequence"),
        sa.UniqueConstraint("transaction_id"),
    )
    op.create_table(
        "transaction_items",
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.transaction_id"],
        ),
        sa.PrimaryKeyConstraint("transaction_id", "position"),
    )
