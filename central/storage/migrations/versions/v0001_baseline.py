"""The central's schema as of commit 5cce269, the last one made by create_all without migrations."""

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
        "branches",
        sa.Column("branch_id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("branch_id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("card_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("card_expiry_year", sa.Integer(), nullable=False),
        sa.Column("card_expiry_month", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("customer_id"),
        sa.UniqueConstraint("token_digest"),
    )
    op.create_table(
        "manufacturers",
        sa.Column("manufacturer_id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("manufacturer_id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "months",
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.Column("close_reason", sa.String(length=32), nullable=False),
        sa.Column("expected_shoppers", sa.Integer(), nullable=False),
        sa.Column("close_after_seconds", sa.Integer(), nullable=False),
        sa.Column("skipped_manufacturers", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "branch_alerts",
        sa.Column("branch_id", ID, nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("reorder_point", sa.BigInteger(), nullable=False),
        sa.Column("raised_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.branch_id"],
        ),
        sa.PrimaryKeyConstraint("branch_id", "product"),
    )
    op.create_table(
        "branch_daily_reports",
        sa.Column("branch_id", ID, nullable=False),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("loss_cents", sa.BigInteger(), nullable=False),
        sa.Column("transaction_count", sa.BigInteger(), nullable=False),
        sa.Column("streamed_revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.branch_id"],
        ),
        sa.PrimaryKeyConstraint("branch_id", "business_day"),
    )
    op.create_table(
        "branch_inventory",
        sa.Column("branch_id", ID, nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("reorder_point", sa.BigInteger(), nullable=False),
        sa.Column("reported_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.branch_id"],
        ),
        sa.PrimaryKeyConstraint("branch_id", "product"),
    )
    op.create_table(
        "branch_sales",
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("branch_id", ID, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("subtotal_cents", sa.BigInteger(), nullable=False),
        sa.Column("tax_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("payment_method", sa.String(length=16), nullable=False),
        sa.Column("customer_name", sa.String(length=100), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("total_cents = subtotal_cents + tax_cents", name="sale_total_adds_up"),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.branch_id"],
        ),
        sa.PrimaryKeyConstraint("transaction_id"),
        sa.UniqueConstraint("branch_id", "sequence"),
    )
    op.create_index("ix_branch_sales_day", "branch_sales", ["branch_id", "business_day"], unique=False)
    op.create_table(
        "finished_shoppers",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["month"],
            ["months.month"],
        ),
        sa.PrimaryKeyConstraint("month", "customer_id"),
    )
    op.create_table(
        "month_results",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("manufacturer_id", ID, nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("offered", sa.BigInteger(), nullable=False),
        sa.Column("sold", sa.BigInteger(), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("unsold", sa.BigInteger(), nullable=False),
        sa.Column("unmet_demand", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["month"],
            ["months.month"],
        ),
        sa.PrimaryKeyConstraint("month", "manufacturer_id", "product"),
    )
    op.create_table(
        "notifications",
        sa.Column("notification_id", ID, autoincrement=True, nullable=False),
        sa.Column("manufacturer_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("acked_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["manufacturer_id"],
            ["manufacturers.manufacturer_id"],
        ),
        sa.PrimaryKeyConstraint("notification_id"),
    )
    op.create_index(
        "ix_notifications_pending", "notifications", ["manufacturer_id", "acked_at"], unique=False
    )
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("cart_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["month"],
            ["months.month"],
        ),
        sa.PrimaryKeyConstraint("order_id"),
        sa.UniqueConstraint("customer_id", "idempotency_key"),
    )
    op.create_index("ix_orders_history", "orders", ["customer_id", "created_at"], unique=False)
    op.create_table(
        "stock_lines",
        sa.Column("stock_line_id", ID, autoincrement=True, nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("manufacturer_id", ID, nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("offered", sa.BigInteger(), nullable=False),
        sa.Column("reserved", sa.BigInteger(), nullable=False),
        sa.Column("sold", sa.BigInteger(), nullable=False),
        sa.Column("depleted_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint("reserved + sold <= offered", name="no_oversell"),
        sa.CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        sa.CheckConstraint("sold >= 0", name="sold_not_negative"),
        sa.ForeignKeyConstraint(
            ["manufacturer_id"],
            ["manufacturers.manufacturer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["month"],
            ["months.month"],
        ),
        sa.PrimaryKeyConstraint("stock_line_id"),
        sa.UniqueConstraint("month", "manufacturer_id", "product"),
    )
    op.create_table(
        "branch_sale_items",
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name="sale_item_quantity_positive"),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["branch_sales.transaction_id"],
        ),
        sa.PrimaryKeyConstraint("transaction_id", "position"),
    )
    op.create_index("ix_branch_sale_items_product", "branch_sale_items", ["product"], unique=False)
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stock_line_id", ID, nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price_cents", sa.BigInteger(), nullable=False),
        sa.Column("bought", sa.Boolean(), nullable=False),
        sa.Column("drop_reason", sa.String(length=32), nullable=False),
        sa.Column("available_at_checkout", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.order_id"],
        ),
        sa.ForeignKeyConstraint(
            ["stock_line_id"],
            ["stock_lines.stock_line_id"],
        ),
        sa.PrimaryKeyConstraint("order_id", "position"),
    )
    op.create_table(
        "reservations",
        sa.Column("reservation_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("stock_line_id", ID, nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=True),
        sa.CheckConstraint("quantity > 0", name="reservation_quantity_positive"),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["stock_line_id"],
            ["stock_lines.stock_line_id"],
        ),
        sa.PrimaryKeyConstraint("reservation_id"),
    )
    op.create_index("ix_reservations_cart", "reservations", ["customer_id", "state"], unique=False)
    op.create_index("ix_reservations_expiry", "reservations", ["state", "expires_at"], unique=False)
    op.create_table(
        "stock_movements",
        sa.Column("movement_id", ID, autoincrement=True, nullable=False),
        sa.Column("stock_line_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=140), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["stock_line_id"],
            ["stock_lines.stock_line_id"],
        ),
        sa.PrimaryKeyConstraint("movement_id"),
    )
    op.create_index("ix_movements_line", "stock_movements", ["stock_line_id"], unique=False)
    op.create_table(
        "unmet_demand",
        sa.Column("unmet_id", ID, autoincrement=True, nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("stock_line_id", ID, nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["stock_line_id"],
            ["stock_lines.stock_line_id"],
        ),
        sa.PrimaryKeyConstraint("unmet_id"),
    )
