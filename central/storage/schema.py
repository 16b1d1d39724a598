"""The central's tables (SQLAlchemy Core); the database enforces the stock invariant too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from nodekit.db.types import Id, UtcDateTime

metadata = MetaData()


def _ts(name: str, nullable: bool = False) -> Column[datetime]:
    return Column(name, UtcDateTime(), nullable=nullable)


months = Table(
    "months",
    metadata,
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("state", String(16), nullable=False),
    _ts("opened_at"),
    _ts("closed_at", nullable=True),
    Column("close_reason", String(32), nullable=False, default=""),
    Column("expected_shoppers", Integer, nullable=False, default=0),
    Column("close_after_seconds", Integer, nullable=False, default=0),
    Column("skipped_manufacturers", Text, nullable=False, default=""),
    # While COLLECTING: when the offers are due, so any central can open the month if its opener is gone.
    _ts("offers_due_at", nullable=True),
    # The month's clock: when the pause in progress began (NULL while running) and the time
    # paused before it; the deadline is opened_at + close_after_seconds + paused_ms.
    _ts("paused_at", nullable=True),
    Column("paused_ms", BigInteger, nullable=False, default=0, server_default="0"),
)

# Each manufacturer's answer to a month's offer request, at whichever central it arrived (even "nothing").
offer_replies = Table(
    "offer_replies",
    metadata,
    Column("month", Integer, ForeignKey("months.month"), primary_key=True),
    Column("manufacturer_id", Id, ForeignKey("manufacturers.manufacturer_id"), primary_key=True),
    Column("accepted", Boolean, nullable=False),
    _ts("at"),
)

manufacturers = Table(
    "manufacturers",
    metadata,
    Column("manufacturer_id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("key_digest", String(64), nullable=True),
    _ts("created_at"),
    _ts("last_seen_at", nullable=True),
    # The central the manufacturer's stream is at (several centrals); NULL when none.
    Column("linked_to", String(32), nullable=True),
)

customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("card_last4", String(4), nullable=False, default=""),
    Column("card_fingerprint", String(64), nullable=False, default=""),
    Column("card_expiry_year", Integer, nullable=False, default=0),
    Column("card_expiry_month", Integer, nullable=False, default=0),
    _ts("created_at"),
)

stock_lines = Table(
    "stock_lines",
    metadata,
    Column("stock_line_id", Id, primary_key=True, autoincrement=True),
    Column("month", Integer, ForeignKey("months.month"), nullable=False),
    Column("manufacturer_id", Id, ForeignKey("manufacturers.manufacturer_id"), nullable=False),
    Column("product", String(100), nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
    Column("offered", BigInteger, nullable=False),
    Column("reserved", BigInteger, nullable=False, default=0),
    Column("sold", BigInteger, nullable=False, default=0),
    # Counts the changes of the counters, so a change read later never overwrites a newer one.
    Column("version", BigInteger, nullable=False, default=0),
    _ts("depleted_at", nullable=True),
    UniqueConstraint("month", "manufacturer_id", "product"),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    CheckConstraint("sold >= 0", name="sold_not_negative"),
    CheckConstraint("reserved + sold <= offered", name="no_oversell"),
)

reservations = Table(
    "reservations",
    metadata,
    Column("reservation_id", String(32), primary_key=True),
    Column("customer_id", String(32), ForeignKey("customers.customer_id"), nullable=False),
    Column("stock_line_id", Id, ForeignKey("stock_lines.stock_line_id"), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    # active -> ordered | released | expired -> ordered | dropped | released
    Column("state", String(16), nullable=False),
    _ts("created_at"),
    _ts("expires_at"),
    Column("order_id", String(32), nullable=True),
    CheckConstraint("quantity > 0", name="reservation_quantity_positive"),
)
Index("ix_reservations_cart", reservations.c.customer_id, reservations.c.state)
Index("ix_reservations_expiry", reservations.c.state, reservations.c.expires_at)

orders = Table(
    "orders",
    metadata,
    Column("order_id", String(32), primary_key=True),
    Column("customer_id", String(32), ForeignKey("customers.customer_id"), nullable=False),
    Column("month", Integer, ForeignKey("months.month"), nullable=False),
    Column("idempotency_key", String(128), nullable=False),
    Column("cart_fingerprint", String(64), nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("card_last4", String(4), nullable=False),
    _ts("created_at"),
    UniqueConstraint("customer_id", "idempotency_key"),
)
Index("ix_orders_history", orders.c.customer_id, orders.c.created_at)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", String(32), ForeignKey("orders.order_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("stock_line_id", Id, ForeignKey("stock_lines.stock_line_id"), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
    # False for a cart line that was dropped at checkout (then quantity is what was asked).
    Column("bought", Boolean, nullable=False),
    Column("drop_reason", String(32), nullable=False, default=""),
    Column("available_at_checkout", BigInteger, nullable=False, default=0),
)

stock_movements = Table(
    "stock_movements",
    metadata,
    Column("movement_id", Id, primary_key=True, autoincrement=True),
    Column("stock_line_id", Id, ForeignKey("stock_lines.stock_line_id"), nullable=False),
    # offered | reserved | released | expired | sold | returned
    Column("kind", String(16), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("actor", String(140), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("reference", String(32), nullable=False, default=""),
    _ts("at"),
)
Index("ix_movements_line", stock_movements.c.stock_line_id)

unmet_demand = Table(
    "unmet_demand",
    metadata,
    Column("unmet_id", Id, primary_key=True, autoincrement=True),
    Column("month", Integer, nullable=False),
    Column("stock_line_id", Id, ForeignKey("stock_lines.stock_line_id"), nullable=False),
    Column("customer_id", String(32), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    _ts("at"),
)

finished_shoppers = Table(
    "finished_shoppers",
    metadata,
    Column("month", Integer, ForeignKey("months.month"), primary_key=True),
    Column("customer_id", String(32), primary_key=True),
    _ts("at"),
)

month_results = Table(
    "month_results",
    metadata,
    Column("month", Integer, ForeignKey("months.month"), primary_key=True),
    Column("manufacturer_id", Id, primary_key=True),
    Column("product", String(100), primary_key=True),
    Column("offered", BigInteger, nullable=False),
    Column("sold", BigInteger, nullable=False),
    Column("revenue_cents", BigInteger, nullable=False),
    Column("unsold", BigInteger, nullable=False),
    Column("unmet_demand", BigInteger, nullable=False),
)

# Durable notifications to manufacturers, replayed in order until acknowledged.
notifications = Table(
    "notifications",
    metadata,
    Column("notification_id", Id, primary_key=True, autoincrement=True),
    Column("manufacturer_id", Id, ForeignKey("manufacturers.manufacturer_id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("payload", Text, nullable=False),
    _ts("created_at"),
    _ts("acked_at", nullable=True),
)
Index("ix_notifications_pending", notifications.c.manufacturer_id, notifications.c.acked_at)
