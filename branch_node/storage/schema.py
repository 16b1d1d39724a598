"""The branch's tables (its own metadata; the central's tables never live here)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from nodekit.db.types import Id, UtcDateTime

metadata = MetaData()

# Small key/value facts that survive restarts: current business day, customer token, day index.
state = Table(
    "state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("product", String(100), primary_key=True),
    Column("unit_cost_cents", BigInteger, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
)

inventory = Table(
    "inventory",
    metadata,
    Column("product", String(100), ForeignKey("products.product"), primary_key=True),
    Column("quantity", BigInteger, nullable=False),
    Column("reorder_point", BigInteger, nullable=False),
    Column("reorder_quantity", BigInteger, nullable=False),
    CheckConstraint("quantity >= 0", name="never_below_zero"),
    CheckConstraint("reorder_quantity > reorder_point", name="reorder_lifts_above_point"),
)

transactions = Table(
    "transactions",
    metadata,
    Column("transaction_id", String(64), primary_key=True),
    Column("sequence", BigInteger, nullable=False, unique=True),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("business_day", String(10), nullable=False),
    Column("subtotal_cents", BigInteger, nullable=False),
    Column("tax_cents", BigInteger, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("payment_method", String(16), nullable=False),
    Column("customer_name", String(100), nullable=False),
)
Index("ix_transactions_day", transactions.c.business_day)

transaction_items = Table(
    "transaction_items",
    metadata,
    Column("transaction_id", String(64), ForeignKey("transactions.transaction_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("product", String(100), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
)

# Written in the same transaction as the sale; acked_at is set once the central committed it.
outbox = Table(
    "outbox",
    metadata,
    Column("sequence", BigInteger, primary_key=True, autoincrement=False),
    Column(
        "transaction_id",
        String(64),
        ForeignKey("transactions.transaction_id"),
        nullable=False,
        unique=True,
    ),
    Column("acked_at", UtcDateTime(), nullable=True),
)

# kind: stock_in | sale | adjustment; quantity is signed; value_cents is the loss of a write-off.
stock_movements = Table(
    "stock_movements",
    metadata,
    Column("movement_id", Id, primary_key=True, autoincrement=True),
    Column("product", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("value_cents", BigInteger, nullable=False, default=0),
    Column("reason", String(200), nullable=False),
    Column("reference", String(64), nullable=False, default=""),
    Column("business_day", String(10), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)
Index("ix_movements_day", stock_movements.c.business_day, stock_movements.c.kind)

lost_sales = Table(
    "lost_sales",
    metadata,
    Column("lost_id", Id, primary_key=True, autoincrement=True),
    Column("product", String(100), nullable=False),
    Column("requested", BigInteger, nullable=False),
    Column("available", BigInteger, nullable=False),
    Column("business_day", String(10), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

# state: open (to reorder) -> checkout (cart filled, checkout may have happened) -> received.
alerts = Table(
    "alerts",
    metadata,
    Column("alert_id", Id, primary_key=True, autoincrement=True),
    Column("product", String(100), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("reorder_point", BigInteger, nullable=False),
    Column("raised_at", UtcDateTime(), nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempt", Integer, nullable=False, default=1),
    Column("order_id", String(32), nullable=False, default=""),
    Column("received", BigInteger, nullable=False, default=0),
    Column("closed_at", UtcDateTime(), nullable=True),
)
Index("ix_alerts_state", alerts.c.state, alerts.c.product)

daily_reports = Table(
    "daily_reports",
    metadata,
    Column("business_day", String(10), primary_key=True),
    Column("revenue_cents", BigInteger, nullable=False),
    Column("loss_cents", BigInteger, nullable=False),
    Column("transaction_count", BigInteger, nullable=False),
    Column("last_sequence", BigInteger, nullable=False),
    Column("submitted_at", UtcDateTime(), nullable=True),
)
