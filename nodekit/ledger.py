"""The central's ledger checks, read from its tables: one place for the run's loss check and the test kit.

Each check is a SELECT and a function that turns its rows into lines a person reads; an
empty list means the property holds. The SQL runs unchanged on SQLite and PostgreSQL, but
for the JSON of a notification's payload, whose spelling ``json_field`` gives per dialect.

- stock: per line ``reserved >= 0``, ``sold >= 0``, ``reserved + sold <= offered``, ``reserved``
  equals the units in active reservations and ``sold`` the units in bought order lines;
- keys: one order per customer and idempotency key;
- acknowledged: every order id a caller was answered OK for is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Row = Sequence[Any]
Dialect = Literal["sqlite", "postgresql"]

# Per stock line: the counters beside what the reservations and bought order lines hold.
STOCK = """
SELECT l.stock_line_id, l.offered, l.reserved, l.sold,
       COALESCE((SELECT SUM(r.quantity) FROM reservations r
                 WHERE r.stock_line_id = l.stock_line_id AND r.state = 'active'), 0),
       COALESCE((SELECT SUM(o.quantity) FROM order_lines o
                 WHERE o.stock_line_id = l.stock_line_id AND o.bought), 0)
FROM stock_lines l ORDER BY l.stock_line_id
"""

KEYS = """
SELECT customer_id, idempotency_key, COUNT(*) FROM orders
GROUP BY customer_id, idempotency_key HAVING COUNT(*) > 1
"""

ORDER_IDS = "SELECT order_id FROM orders"


def stock_problems(row: Row) -> list[str]:
    """What is wrong with one row of ``STOCK`` ([] when the line holds)."""
    _, offered, reserved, sold, active, bought = row
    problems = []
    if reserved < 0 or sold < 0 or reserved + sold > offered:
        problems.append(f"offered {offered}, reserved {reserved}, sold {sold}")
    if reserved != active:
        problems.append(f"reserved {reserved} but {active} in active reservations")
    if sold != bought:
        problems.append(f"sold {sold} but {bought} ordered")
    return problems


def stock_violations(rows: Iterable[Row]) -> list[str]:
    """One line per broken stock line of ``STOCK``'s rows."""
    return [f"line {row[0]}: {'; '.join(found)}" for row in rows if (found := stock_problems(row))]


def key_violations(rows: Iterable[Row]) -> list[str]:
    """One line per customer and key with more than one order (``KEYS``'s rows)."""
    return [f"key {key} of {customer}: {times} orders" for customer, key, times in rows]


def missing(what: str, wanted: Iterable[str], found: Iterable[str], examples: int = 3) -> list[str]:
    """One line naming the ``wanted`` ids not ``found`` ([] when none is missing)."""
    wanted_set = set(wanted)
    absent = sorted(wanted_set - set(found))
    if not absent:
        return []
    return [f"{len(absent)} of {len(wanted_set)} {what} missing, e.g. {', '.join(absent[:examples])}"]


def json_field(dialect: Dialect, column: str, key: str) -> str:
    """The SQL reading ``key`` of the JSON text in ``column``, as text."""
    if dialect == "postgresql":
        return f"({column}::json->>'{key}')"
    return f"CAST(json_extract({column}, '$.{key}') AS TEXT)"


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    """One property: its SELECT and what its rows say is broken."""

    name: str
    sql: str
    explain: Callable[[list[Row]], list[str]]


def _movement_problems(rows: list[Row]) -> list[str]:
    found = []
    for line, month, state, offered, reserved, sold, moved_offered, moved_net, moved_sold in rows:
        where = f"line {line} (month {month}, {state})"
        if moved_offered != offered:
            found.append(f"{where}: offered {offered} but offered movements {moved_offered}")
        if moved_sold != sold:
            found.append(f"{where}: sold {sold} but sold movements {moved_sold}")
        if moved_net != reserved:
            found.append(f"{where}: reserved {reserved} but movements say {moved_net}")
        if state == "closed" and reserved != 0:
            found.append(f"{where}: month closed with {reserved} still reserved")
    return found


def _months_live(rows: list[Row]) -> list[str]:
    return [f"more than one month not closed: {[tuple(r) for r in rows]}"] if len(rows) > 1 else []


def _moved(kinds: str) -> str:
    return (
        "COALESCE((SELECT SUM(v.quantity) FROM stock_movements v "
        f"WHERE v.stock_line_id = s.stock_line_id AND v.kind IN ({kinds})), 0)"
    )


MOVEMENTS = f"""
SELECT s.stock_line_id, s.month, m.state, s.offered, s.reserved, s.sold, {_moved("'offered'")},
  {_moved("'reserved'")} - {_moved("'released', 'expired'")} - {_moved("'sold'")}, {_moved("'sold'")}
FROM stock_lines s JOIN months m ON m.month = s.month ORDER BY s.stock_line_id
"""


def ledger_checks(dialect: Dialect) -> tuple[LedgerCheck, ...]:
    """Every check of a central's whole schema (the loss check reads a subset: ``STOCK`` and keys)."""
    month = json_field(dialect, "payload", "month")
    line = json_field(dialect, "payload", "stock_line_id")
    return (
        LedgerCheck("stock", STOCK, stock_violations),
        LedgerCheck("movements", MOVEMENTS, _movement_problems),
        LedgerCheck("keys", KEYS, key_violations),
        LedgerCheck(
            "freed twice",
            "SELECT v.reference, COUNT(*) FROM stock_movements v"
            " JOIN reservations r ON r.reservation_id = v.reference"
            " WHERE v.kind IN ('released', 'expired') GROUP BY v.reference HAVING COUNT(*) > 1",
            lambda rows: [f"reservation {ref} freed {times} times" for ref, times in rows],
        ),
        LedgerCheck(
            "orphans",
            "SELECT r.reservation_id, r.order_id FROM reservations r"
            " LEFT JOIN orders o ON o.order_id = r.order_id AND o.customer_id = r.customer_id"
            " WHERE r.state = 'ordered' AND o.order_id IS NULL",
            lambda rows: [f"reservation {rid} ordered into missing order {oid}" for rid, oid in rows],
        ),
        LedgerCheck(
            "closed months",
            "SELECT r.reservation_id, s.month FROM reservations r"
            " JOIN stock_lines s ON s.stock_line_id = r.stock_line_id JOIN months m ON m.month = s.month"
            " WHERE m.state = 'closed' AND r.state = 'active'",
            lambda rows: [f"reservation {rid} still active in closed month {m}" for rid, m in rows],
        ),
        LedgerCheck(
            "reports",
            f"SELECT manufacturer_id, {month}, COUNT(*) FROM notifications WHERE kind = 'month_report'"
            f" GROUP BY manufacturer_id, {month} HAVING COUNT(*) > 1",
            lambda rows: [f"manufacturer {who}: {times} reports for month {m}" for who, m, times in rows],
        ),
        LedgerCheck(
            "depletions",
            f"SELECT {line}, COUNT(*) FROM notifications WHERE kind = 'depletion'"
            f" GROUP BY {line} HAVING COUNT(*) > 1",
            lambda rows: [f"line {lid}: {times} depletion notices" for lid, times in rows],
        ),
        LedgerCheck(
            "months",
            "SELECT month, state FROM months WHERE state <> 'closed' ORDER BY month",
            lambda rows: (
                [f"more than one month not closed: {[tuple(r) for r in rows]}"] if len(rows) > 1 else []
            ),
        ),
    )
