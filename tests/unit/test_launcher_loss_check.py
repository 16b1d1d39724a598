"""The end-of-run loss check against small hand-made databases shaped like the central's and a branch's."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

from launcher.postgres.server import fresh_database, raw_url
from launcher.report.loss_check import check_database, check_lines, check_run, sqlite_path

CENTRAL = """
CREATE TABLE orders (order_id TEXT PRIMARY KEY);
CREATE TABLE branches (branch_id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE branch_sales (transaction_id TEXT PRIMARY KEY, branch_id INTEGER);
CREATE TABLE notifications (notification_id INTEGER PRIMARY KEY, kind TEXT, acked_at TEXT);
CREATE TABLE stock_lines (stock_line_id INTEGER PRIMARY KEY, offered INTEGER, reserved INTEGER, sold INTEGER);
CREATE TABLE reservations (stock_line_id INTEGER, quantity INTEGER, state TEXT);
CREATE TABLE order_lines (stock_line_id INTEGER, quantity INTEGER, bought BOOLEAN);
INSERT INTO orders VALUES ('o-1'), ('o-2');
INSERT INTO branches VALUES (1, 'Toronto');
INSERT INTO branch_sales VALUES ('t-1', 1);
INSERT INTO notifications (kind, acked_at) VALUES ('depletion', 'x'), ('month_report', 'x');
INSERT INTO stock_lines VALUES (1, 10, 2, 5);
INSERT INTO reservations VALUES (1, 2, 'active'), (1, 4, 'released');
INSERT INTO order_lines VALUES (1, 5, 1), (1, 3, 0);
"""


def make_run(tmp_path: Path, *extra_central: str, acked_orders: str = "o-1\no-2\n") -> tuple[Path, Path]:
    central = tmp_path / "central.sqlite3"
    branch = tmp_path / "branch-toronto.sqlite3"
    with contextlib.closing(sqlite3.connect(central)) as db:
        db.executescript(CENTRAL + "".join(extra_central))
    with contextlib.closing(sqlite3.connect(branch)) as db:
        db.executescript(
            "CREATE TABLE outbox (sequence INTEGER PRIMARY KEY, transaction_id TEXT, acked_at TEXT);"
            "INSERT INTO outbox VALUES (1, 't-1', 'x'), (2, 't-2', NULL);"
        )
    (tmp_path / "acks").mkdir()
    (tmp_path / "acks" / "customer-01.txt").write_text(acked_orders)
    return central, branch


def test_a_clean_run_passes_every_check(tmp_path: Path) -> None:
    central, branch = make_run(tmp_path)

    checks = check_run(central, tmp_path, {"Toronto": branch})
    lines = check_lines(checks)

    assert all(check.ok for check in checks), lines
    assert lines[0] == "Loss check: nothing acknowledged was lost"
    assert "all 2 orders acknowledged to the simulated customers present" in lines[1]
    assert "all 1 acknowledged branch sales present" in lines[2]
    assert "invariant holds on all 1 lines" in lines[4]


def test_a_lost_order_a_lost_sale_an_unacked_notice_and_a_broken_line_all_fail(tmp_path: Path) -> None:
    central, branch = make_run(
        tmp_path,
        "DELETE FROM branch_sales;",
        "INSERT INTO notifications (kind, acked_at) VALUES ('depletion', NULL);",
        "UPDATE stock_lines SET sold = 9;",
        acked_orders="o-1\no-3\n",
    )

    checks = {check.name: check for check in check_run(central, tmp_path, {"Toronto": branch})}

    assert not any(check.ok for check in checks.values())
    assert "1 of 2 orders acknowledged to the simulated customers missing" in checks["orders"].detail
    assert "Toronto/t-1" in checks["branch sales"].detail
    assert "not acknowledged: 1 depletion" in checks["notices"].detail
    assert "reserved 2, sold 9" in checks["stock"].detail and "sold 9 but 5 ordered" in checks["stock"].detail
    assert check_lines(list(checks.values()))[0] == "Loss check: LOSS CHECK FAILED"


def test_only_sqlite_urls_have_a_file() -> None:
    assert sqlite_path("sqlite+aiosqlite:////tmp/x/central.sqlite3") == Path("/tmp/x/central.sqlite3")
    assert sqlite_path("postgresql+asyncpg://u@h/db") is None


async def _load_postgres(url: str, script: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(raw_url(url), timeout=30)
    try:
        await connection.execute(script)
    finally:
        await connection.close()


def test_the_same_checks_read_a_postgresql_central(tmp_path: Path, postgres_admin_url: str) -> None:
    _, branch = make_run(tmp_path, acked_orders="o-1\no-3\n")
    # PostgreSQL numbers rows with identity columns and takes booleans as true and false.
    script = CENTRAL.replace(
        "notification_id INTEGER PRIMARY KEY", "notification_id SERIAL PRIMARY KEY"
    ).replace("(1, 5, 1), (1, 3, 0)", "(1, 5, true), (1, 3, false)")
    url = asyncio.run(fresh_database(postgres_admin_url, "loss"))
    asyncio.run(_load_postgres(url, script))

    checks = {check.name: check for check in check_database(url, tmp_path, {"Toronto": branch}) or []}
    assert set(checks) == {"orders", "branch sales", "notices", "stock"}
    assert "1 of 2 orders acknowledged to the simulated customers missing" in checks["orders"].detail
    assert checks["branch sales"].ok and checks["notices"].ok and checks["stock"].ok

    asyncio.run(_load_postgres(url, "UPDATE stock_lines SET sold = 9;"))
    (stock,) = [c for c in check_database(url, tmp_path, {"Toronto": branch}) or [] if c.name == "stock"]
    assert not stock.ok and "sold 9 but 5 ordered" in stock.detail


def test_a_database_it_cannot_read_is_not_checked(tmp_path: Path) -> None:
    assert check_database("mysql+aiomysql://u@127.0.0.1/db", tmp_path, {}) is None
