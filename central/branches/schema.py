"""The central's branch-store tables, registered on the shared metadata so create_schema makes them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from central.storage.schema import metadata
from nodekit.db.types import Id, UtcDateTime

branches = Table(
    "branches",
    metadata,
    Column("branch_id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("key_digest", String(64), nullable=False),
    # Highest sequence committed; sequences arrive 1, 2, 3, ... without gaps.
    Column("last_sequence", BigInteger, nullable=False, default=0),
    Column("created_at", UtcDateTime(), nullable=False),
)

branch_sales = Table(
    "branch_sales",
    metadata,
    Column("transaction_id", String(64), primary_key=True),
    Column("branch_id", Id, ForeignKey("branches.branch_id"), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("business_day", String(10), nullable=False),
    Column("subtotal_cents", BigInteger, nullable=False),
    Column("tax_cents", BigInteger, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("payment_method", String(16), nullable=False),
    Column("customer_name", String(100), nullable=False, default=""),
    Column("received_at", UtcDateTime(), nullable=False),
    UniqueConstraint("branch_id", "sequence"),
    CheckConstraint("total_cents = subtotal_cents + tax_cents", name="sale_total_adds_up"),
)
Index("ix_branch_sales_day", branch_sales.c.branch_id, branch_sales.c.business_day)

branch_sale_items = Table(
    "branch_sale_items",
    metadata,
    Column("transaction_id", String(64), ForeignKey("branch_sales.transaction_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("product", String(100), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
    CheckConstraint("quantity > 0", name="sale_item_quantity_positive"),
)
Index("ix_branch_sale_items_product", branch_sale_items.c.product)

branch_daily_reports = Table(
    "branch_daily_reports",
    metadata,
    Column("branch_id", Id, ForeignKey("branches.branch_id"), primary_key=True),
    Column("business_day", String(10), primary_key=True),
    Column("revenue_cents", BigInteger, nullable=False),
    Column("loss_cents", BigInteger, nullable=False),
    Column("transaction_count", BigInteger, nullable=False),
    # What the stream had when the report came in (the report query recomputes it live).
    Column("streamed_revenue_cents", BigInteger, nullable=False),
    Column("flagged", Boolean, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
)

# The latest inventory snapshot each branch reported; replaced as a whole per report.
branch_inventory = Table(
    "branch_inventory",
    metadata,
    Column("branch_id", Id, ForeignKey("branches.branch_id"), primary_key=True),
    Column("product", String(100), primary_key=True),
    Column("quantity", BigInteger, nullable=False),
    Column("unit_cost_cents", BigInteger, nullable=False),
    Column("reorder_point", BigInteger, nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
)

branch_alerts = Table(
    "branch_alerts",
    metadata,
    Column("branch_id", Id, ForeignKey("branches.branch_id"), primary_key=True),
    Column("product", String(100), primary_key=True),
    Column("quantity", BigInteger, nullable=False),
    Column("reorder_point", BigInteger, nullable=False),
    Column("raised_at", UtcDateTime(), nullable=False),
)
