"""After a run: nothing acknowledged was lost, and the stock invariant holds, read from the databases.

Read-only, after every process has stopped, from the central's SQLite file or its PostgreSQL
database (several centrals) and the branches' SQLite files:

- orders: every order id a simulated customer was answered OK for (``acks/<customer>.txt``,
  one id per line, written by ``customer_node.acks``) is in the central's ``orders``;
- branch sales: every sale a branch marked acknowledged (its ``outbox.acked_at``) is in the
  central's ``branch_sales`` for that branch;
- notices: every depletion notice and month report the central recorded was acknowledged;
- stock: per line ``reserved >= 0``, ``sold >= 0``, ``reserved + sold <= offered``,
  ``reserved`` equals the units in active reservations and ``sold`` the units ordered.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launcher.postgres.server import raw_url
from nodekit import ledger

ACKS_DIR = "acks"
# Each simulated customer appends to the file this names (customer_node.acks.ENV_ACKS_FILE).
ACKS_ENV = "DISTRIBUTION_ACKS_FILE"
SQLITE_PREFIX = "sqlite+aiosqlite:///"
EXAMPLES = 3


# Runs one parameterless SELECT against the central's database and returns its rows.
Query = Callable[[str], list[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class Check:
    """One check's outcome and the line that explains it."""

    name: str
    ok: bool
    detail: str


def sqlite_path(db_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database."""
    return Path(db_url.removeprefix(SQLITE_PREFIX)) if db_url.startswith(SQLITE_PREFIX) else None


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection; the file must exist."""
    if not path.exists():
        raise FileNotFoundError(path)
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def acknowledged_orders(acks_dir: Path) -> set[str]:
    """Every order id in the customers' ack files."""
    ids: set[str] = set()
    for path in sorted(acks_dir.glob("*.txt")):
        ids.update(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return ids


def _missing(what: str, wanted: set[str], found: set[str]) -> tuple[bool, str]:
    absent = ledger.missing(what, wanted, found, EXAMPLES)
    return (False, absent[0]) if absent else (True, f"all {len(wanted)} {what} present")


def check_orders(central: Query, acks_dir: Path) -> Check:
    """Every order a customer was answered OK for exists in the central."""
    acked = acknowledged_orders(acks_dir)
    stored = {row[0] for row in central("SELECT order_id FROM orders")}
    ok, detail = _missing("orders acknowledged to the simulated customers", acked, stored)
    # The central also holds the branches' reorders and the orders of people shopping by hand,
    # who keep no ack file: said here, so the run's order count beside this one is not a puzzle.
    others = len(stored - acked)
    return Check("orders", ok, f"{detail}; {others} more in the central (branch reorders, people)")


def check_branch_sales(central: Query, branch_dbs: Mapping[str, Path]) -> Check:
    """Every sale a branch holds as acknowledged is in the central's sales of that branch."""
    wanted: set[str] = set()
    for name, path in sorted(branch_dbs.items()):
        with read_only(path) as branch:
            acked = {
                row[0]
                for row in branch.execute("SELECT transaction_id FROM outbox WHERE acked_at IS NOT NULL")
            }
        wanted |= {f"{name}/{tid}" for tid in acked}
    stored = central(
        "SELECT b.name, s.transaction_id FROM branch_sales s JOIN branches b ON b.branch_id = s.branch_id"
    )
    found = {f"{name}/{tid}" for name, tid in stored if name in branch_dbs}
    ok, detail = _missing("acknowledged branch sales", wanted, found)
    return Check("branch sales", ok, detail)


def check_notices(central: Query) -> Check:
    """Every notification the central recorded was acknowledged by its manufacturer."""
    rows = central("SELECT kind, COUNT(*), COUNT(acked_at) FROM notifications GROUP BY kind ORDER BY kind")
    unacked = {kind: total - acked for kind, total, acked in rows if total != acked}
    counts = ", ".join(f"{total} {kind}" for kind, total, _ in rows) or "none"
    if unacked:
        pending = ", ".join(f"{count} {kind}" for kind, count in unacked.items())
        return Check("notices", False, f"not acknowledged: {pending} (of {counts})")
    return Check("notices", True, f"all acknowledged ({counts})")


def check_stock(central: Query) -> Check:
    """The stock invariant on every line, and its counters against reservations and orders."""
    rows = central(ledger.STOCK)
    broken = ledger.stock_violations(rows)
    if broken:
        return Check(
            "stock", False, f"{len(broken)} of {len(rows)} lines broken: {' | '.join(broken[:EXAMPLES])}"
        )
    return Check("stock", True, f"invariant holds on all {len(rows)} lines")


def check_run(central_db: Path, run_dir: Path, branch_dbs: Mapping[str, Path]) -> list[Check]:
    """Every check, against the central's SQLite file and the branches' files."""
    with read_only(central_db) as central:
        return check_all(lambda sql: central.execute(sql).fetchall(), run_dir, branch_dbs)


def check_all(central: Query, run_dir: Path, branch_dbs: Mapping[str, Path]) -> list[Check]:
    """Every check, with ``central`` reading the central's database."""
    return [
        check_orders(central, run_dir / ACKS_DIR),
        check_branch_sales(central, branch_dbs),
        check_notices(central),
        check_stock(central),
    ]


def check_database(db_url: str, run_dir: Path, branch_dbs: Mapping[str, Path]) -> list[Check] | None:
    """Every check against the central's database at ``db_url``; None for a kind it cannot read.

    Blocking (PostgreSQL is read through asyncio.run per query): call it off the event loop.
    """
    central_db = sqlite_path(db_url)
    if central_db is not None:
        return check_run(central_db, run_dir, branch_dbs)
    if db_url.startswith("postgresql+asyncpg://"):
        dsn = raw_url(db_url)
        return check_all(lambda sql: asyncio.run(_fetch_postgres(dsn, sql)), run_dir, branch_dbs)
    return None


async def _fetch_postgres(dsn: str, sql: str) -> list[tuple[Any, ...]]:
    import asyncpg  # only runs on PostgreSQL need the driver

    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        # Read-only: the check must not change what it checks.
        async with connection.transaction(readonly=True):
            return [tuple(row) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


def check_lines(checks: list[Check]) -> list[str]:
    """What run.py prints: a verdict, then one line per check."""
    verdict = "nothing acknowledged was lost" if all(c.ok for c in checks) else "LOSS CHECK FAILED"
    return [f"Loss check: {verdict}"] + [
        f"  {'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in checks
    ]
