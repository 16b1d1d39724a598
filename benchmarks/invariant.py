"""After the load: no line oversold (central's status and the SQLite file), every ack durable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import grpc

from benchmarks.market import Metadata
from benchmarks.scenarios import Ledger
from distribution_client.service import CentralService
from generated.distribution.v1 import month_pb2

TIMEOUT_S = 30.0


async def status_check(channel: grpc.aio.Channel, operator: Metadata, month: int) -> dict[str, object]:
    """sold + reserved <= offered (and nothing negative) on every line, per GetMonthStatus."""
    reply = await CentralService(channel).months.GetMonthStatus(
        month_pb2.GetMonthStatusRequest(month=month), metadata=operator, timeout=TIMEOUT_S
    )
    lines = reply.status.stock_lines
    bad = [
        line.stock_line_id
        for line in lines
        if line.reserved < 0 or line.sold < 0 or line.reserved + line.sold > line.offered
    ]
    return {
        "lines": len(lines),
        "violations": bad,
        "reserved": sum(line.reserved for line in lines),
        "sold": sum(line.sold for line in lines),
        "order_count": reply.status.order_count,
        "ok": not bad,
    }


def database_check(db_path: Path, ledger: Ledger) -> dict[str, object]:
    """Reads the SQLite file with stdlib sqlite3: the invariant per line, and every acked write."""
    with sqlite3.connect(db_path) as db:
        violations = [
            row[0]
            for row in db.execute(
                "SELECT stock_line_id FROM stock_lines"
                " WHERE reserved < 0 OR sold < 0 OR reserved + sold > offered"
            )
        ]
        reserved, sold = db.execute(
            "SELECT COALESCE(SUM(reserved), 0), COALESCE(SUM(sold), 0) FROM stock_lines"
        ).fetchone()
        order_ids = {row[0] for row in db.execute("SELECT order_id FROM orders")}
        reservation_ids = {row[0] for row in db.execute("SELECT reservation_id FROM reservations")}
        has_sales = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'branch_sales'"
        ).fetchone()
        sale_ids = (
            {row[0] for row in db.execute("SELECT transaction_id FROM branch_sales")} if has_sales else set()
        )
        sold_in_orders = db.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE bought"
        ).fetchone()[0]
    missing_orders = len(set(ledger.orders) - order_ids)
    missing_reservations = len(set(ledger.reservations) - reservation_ids)
    missing_sales = len(set(ledger.sales) - sale_ids)
    return {
        "line_violations": violations,
        "reserved": reserved,
        "sold": sold,
        "sold_in_order_lines": sold_in_orders,
        "acked_orders": len(ledger.orders),
        "order_rows": len(order_ids),
        "acked_orders_missing": missing_orders,
        "acked_reservations": len(ledger.reservations),
        "acked_reservations_missing": missing_reservations,
        "acked_units_sold": ledger.units_sold,
        "acked_branch_sales": len(ledger.sales),
        "acked_branch_sales_missing": missing_sales,
        "ok": not violations
        and missing_orders == 0
        and missing_reservations == 0
        and missing_sales == 0
        and sold == sold_in_orders
        and sold >= ledger.units_sold,
    }
