"""Ledger assertions on a central's database, SQLite or PostgreSQL, with the loss check's own checks.

After a test's load, whatever central served each call, the rows must add up: the stock
invariant on every line, one order per key, every acknowledged order and branch sale stored,
no notice twice (``nodekit.ledger`` holds the checks; the launcher's loss check reads the same).
``ledger_violations`` returns the lines a person reads; ``assert_ledger_holds`` fails a test
with them.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import asyncpg

from nodekit import ledger
from nodekit.ledger import Dialect, Row

SQLITE_PREFIXES = ("sqlite+aiosqlite:///", "sqlite:///")
POSTGRES_PREFIXES = ("postgresql+asyncpg://", "postgresql://", "postgres://")
BRANCH_SALES = (
    "SELECT b.name, s.transaction_id FROM branch_sales s JOIN branches b ON b.branch_id = s.branch_id"
)


def _sqlite_rows(path: Path, sql: str) -> list[Row]:
    # Read-only: a check must not change what it checks.
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        return list(db.execute(sql).fetchall())


class _Reader:
    """Runs SELECTs on a central's database, whatever its kind."""

    def __init__(self, url: str | Path) -> None:
        text = str(url)
        self.sqlite: Path | None = None
        self.dsn = ""
        if isinstance(url, Path):
            self.sqlite = url
        elif text.startswith(SQLITE_PREFIXES):
            self.sqlite = Path(text.split(":///", 1)[1])
        elif text.startswith(POSTGRES_PREFIXES):
            self.dsn = "postgresql://" + text.split("://", 1)[1]
        else:
            raise ValueError(f"not a SQLite or PostgreSQL database: {text!r}")
        self.dialect: Dialect = "sqlite" if self.sqlite is not None else "postgresql"

    async def rows(self, sql: str) -> list[Row]:
        if self.sqlite is not None:
            return await asyncio.to_thread(_sqlite_rows, self.sqlite, sql)
        return [tuple(row) for row in await fetch(self.dsn, sql)]


async def ledger_violations(
    url: str | Path,
    acknowledged_orders: Iterable[str] = (),
    acknowledged_sales: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """Every broken safety property in the central's database at ``url``; [] when the ledger holds.

    Args:
        url: The central's database: a SQLite file (path or URL) or a PostgreSQL URL (SQLAlchemy
            or asyncpg form).
        acknowledged_orders: Order ids a central answered OK for; each must be stored.
        acknowledged_sales: Branch name -> transaction ids the central acknowledged; each must be stored.
    """
    reader = _Reader(url)
    found: list[str] = []
    for check in ledger.ledger_checks(reader.dialect):
        found += check.explain(await reader.rows(check.sql))
    wanted = set(acknowledged_orders)
    if wanted:
        stored = {row[0] for row in await reader.rows(ledger.ORDER_IDS)}
        found += ledger.missing("acknowledged orders", wanted, stored)
    if acknowledged_sales:
        sales = {f"{branch}/{tid}" for branch, tids in acknowledged_sales.items() for tid in tids}
        held = {f"{branch}/{tid}" for branch, tid in await reader.rows(BRANCH_SALES)}
        found += ledger.missing("acknowledged branch sales", sales, held)
    return found


async def assert_ledger_holds(
    url: str | Path,
    acknowledged_orders: Iterable[str] = (),
    acknowledged_sales: Mapping[str, Iterable[str]] | None = None,
) -> None:
    """Fails the test with every broken property of the ledger at ``url`` (see ``ledger_violations``)."""
    found = await ledger_violations(url, acknowledged_orders, acknowledged_sales)
    assert not found, "the ledger is broken:\n" + "\n".join(found)


async def fetch(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    """Runs one query on a PostgreSQL database (asyncpg URL)."""
    db = await asyncpg.connect(url, timeout=30)
    try:
        return list(await db.fetch(query, *args))
    finally:
        await db.close()
