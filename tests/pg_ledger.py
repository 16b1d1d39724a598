"""The central's safety properties read straight from its PostgreSQL tables, as a list of violations.

Used after a load on several centrals: whatever central served each call, the
rows must add up as they do with one. Each check returns human-readable lines;
an empty list means the ledger holds.
"""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

# Per stock line: the counters beside what the reservations, order lines and movements say.
LINES = """
SELECT s.stock_line_id, s.month, m.state AS month_state, s.offered, s.reserved, s.sold,
  (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r
     WHERE r.stock_line_id = s.stock_line_id AND r.state = 'active') AS live_reserved,
  (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r
     WHERE r.stock_line_id = s.stock_line_id AND r.state = 'ordered') AS ordered_reserved,
  (SELECT COALESCE(SUM(o.quantity), 0) FROM order_lines o
     WHERE o.stock_line_id = s.stock_line_id AND o.bought) AS bought,
  (SELECT COALESCE(SUM(v.quantity), 0) FROM stock_movements v
     WHERE v.stock_line_id = s.stock_line_id AND v.kind = 'offered') AS moved_offered,
  (SELECT COALESCE(SUM(v.quantity), 0) FROM stock_movements v
     WHERE v.stock_line_id = s.stock_line_id AND v.kind = 'reserved') AS moved_reserved,
  (SELECT COALESCE(SUM(v.quantity), 0) FROM stock_movements v
     WHERE v.stock_line_id = s.stock_line_id AND v.kind IN ('released', 'expired')) AS moved_freed,
  (SELECT COALESCE(SUM(v.quantity), 0) FROM stock_movements v
     WHERE v.stock_line_id = s.stock_line_id AND v.kind = 'sold') AS moved_sold
FROM stock_lines s JOIN months m ON m.month = s.month
ORDER BY s.stock_line_id
"""

# A reservation freed (released or expired) by more than one movement was freed twice.
FREED_TWICE = """
SELECT v.reference, COUNT(*) AS times FROM stock_movements v
JOIN reservations r ON r.reservation_id = v.reference
WHERE v.kind IN ('released', 'expired')
GROUP BY v.reference HAVING COUNT(*) > 1
"""

KEY_TWICE = """
SELECT customer_id, idempotency_key, COUNT(*) AS times FROM orders
GROUP BY customer_id, idempotency_key HAVING COUNT(*) > 1
"""

# An ordered reservation must point at an order of the same customer.
ORDERED_ORPHANS = """
SELECT r.reservation_id, r.order_id FROM reservations r
LEFT JOIN orders o ON o.order_id = r.order_id AND o.customer_id = r.customer_id
WHERE r.state = 'ordered' AND o.order_id IS NULL
"""

LIVE_IN_CLOSED = """
SELECT r.reservation_id, s.month FROM reservations r
JOIN stock_lines s ON s.stock_line_id = r.stock_line_id
JOIN months m ON m.month = s.month
WHERE m.state = 'closed' AND r.state = 'active'
"""

REPORTS_TWICE = """
SELECT manufacturer_id, payload::json->>'month' AS month, COUNT(*) AS times FROM notifications
WHERE kind = 'month_report' GROUP BY manufacturer_id, payload::json->>'month' HAVING COUNT(*) > 1
"""

DEPLETIONS_TWICE = """
SELECT payload::json->>'stock_line_id' AS line, COUNT(*) AS times FROM notifications
WHERE kind = 'depletion' GROUP BY payload::json->>'stock_line_id' HAVING COUNT(*) > 1
"""

MONTHS_LIVE = "SELECT month, state FROM months WHERE state <> 'closed' ORDER BY month"


def _line_violations(row: asyncpg.Record) -> list[str]:
    line = f"line {row['stock_line_id']} (month {row['month']}, {row['month_state']})"
    offered, reserved, sold = row["offered"], row["reserved"], row["sold"]
    found = []
    if reserved < 0 or sold < 0 or reserved + sold > offered:
        found.append(f"{line}: offered {offered}, reserved {reserved}, sold {sold}")
    if reserved != row["live_reserved"]:
        found.append(f"{line}: reserved {reserved} but live reservations hold {row['live_reserved']}")
    if sold != row["bought"]:
        found.append(f"{line}: sold {sold} but bought order lines hold {row['bought']}")
    if row["ordered_reserved"] != row["bought"]:
        found.append(
            f"{line}: ordered reservations hold {row['ordered_reserved']} but order lines {row['bought']}"
        )
    if row["moved_offered"] != offered:
        found.append(f"{line}: offered {offered} but offered movements {row['moved_offered']}")
    if row["moved_sold"] != sold:
        found.append(f"{line}: sold {sold} but sold movements {row['moved_sold']}")
    by_moves = row["moved_reserved"] - row["moved_freed"] - row["moved_sold"]
    if by_moves != reserved:
        found.append(f"{line}: reserved {reserved} but movements say {by_moves}")
    if row["month_state"] == "closed" and reserved != 0:
        found.append(f"{line}: month closed with {reserved} still reserved")
    return found


async def ledger_violations(url: str, acknowledged_orders: Iterable[str] = ()) -> list[str]:
    """Every broken safety property in the database at ``url`` (asyncpg form); [] when it holds.

    Args:
        url: ``postgresql://`` URL of the centrals' database.
        acknowledged_orders: Order ids some central answered OK; each must be stored.
    """
    db = await asyncpg.connect(url, timeout=30)
    try:
        found: list[str] = []
        for row in await db.fetch(LINES):
            found += _line_violations(row)
        for row in await db.fetch(FREED_TWICE):
            found.append(f"reservation {row['reference']} freed {row['times']} times")
        for row in await db.fetch(KEY_TWICE):
            found.append(f"key {row['idempotency_key']} of {row['customer_id']}: {row['times']} orders")
        for row in await db.fetch(ORDERED_ORPHANS):
            found.append(f"reservation {row['reservation_id']} ordered into missing order {row['order_id']}")
        for row in await db.fetch(LIVE_IN_CLOSED):
            found.append(f"reservation {row['reservation_id']} still active in closed month {row['month']}")
        for row in await db.fetch(REPORTS_TWICE):
            found.append(
                f"manufacturer {row['manufacturer_id']}: {row['times']} reports for month {row['month']}"
            )
        for row in await db.fetch(DEPLETIONS_TWICE):
            found.append(f"line {row['line']}: {row['times']} depletion notices")
        live = await db.fetch(MONTHS_LIVE)
        if len(live) > 1:
            found.append(f"more than one month not closed: {[(r['month'], r['state']) for r in live]}")
        wanted = sorted(set(acknowledged_orders))
        if wanted:
            stored = {
                r["order_id"]
                for r in await db.fetch(
                    "SELECT order_id FROM orders WHERE order_id = ANY($1::text[])", wanted
                )
            }
            missing = [order_id for order_id in wanted if order_id not in stored]
            if missing:
                found.append(f"{len(missing)} acknowledged orders missing, e.g. {missing[:3]}")
        return found
    finally:
        await db.close()


async def fetch(url: str, query: str, *args: object) -> list[asyncpg.Record]:
    """Runs one query on the centrals' database."""
    db = await asyncpg.connect(url, timeout=30)
    try:
        return list(await db.fetch(query, *args))
    finally:
        await db.close()
