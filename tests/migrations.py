"""Databases of older schemas for the migration tests, and the ways to compare a schema with another.

The 5cce269 fixtures are the statements ``create_all`` ran at that commit,
captured with ``scripts/schema_sql.py`` (its docstring has the command): a
database made from them is what a central or branch of that time left behind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import DateTime, MetaData, bindparam, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "schema_5cce269"
AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


async def make_5cce269_database(engine: AsyncEngine, node: str) -> None:
    """Runs the captured 5cce269 statements of ``node`` ("central" or "branch") on an empty database."""
    script = (FIXTURES / f"{node}.{engine.dialect.name}.sql").read_text()
    async with engine.begin() as connection:
        for statement in script.split(";\n\n"):
            if statement.strip():
                await connection.exec_driver_sql(statement)


async def insert(engine: AsyncEngine, table: str, rows: list[dict[str, Any]]) -> None:
    """Inserts rows with plain SQL (these are the old tables); ``*_at`` values are instants."""
    columns = list(rows[0])
    statement = text(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    )
    instants = [bindparam(c, type_=DateTime(timezone=True)) for c in columns if c.endswith("_at")]
    async with engine.begin() as connection:
        await connection.execute(statement.bindparams(*instants), rows)


async def rows(engine: AsyncEngine, query: str) -> list[tuple[Any, ...]]:
    """The rows of a query, as tuples."""
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(query))).all()]


async def differences(engine: AsyncEngine, metadata: MetaData) -> list[Any]:
    """What Alembic's autogenerate finds between the database and ``metadata`` (empty: they agree)."""
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
        )


async def snapshot(engine: AsyncEngine) -> dict[str, Any]:
    """Everything the database says about its tables (but Alembic's own), to compare two databases."""
    async with engine.connect() as connection:
        return await connection.run_sync(_snapshot)


def _snapshot(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    tables: dict[str, Any] = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        tables[table] = {
            # By name: a column added later comes last, and that changes nothing.
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"], c.get("default"), c.get("autoincrement"))
                for c in inspector.get_columns(table)
            ),
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign_keys": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (str(ix["name"]), tuple(ix["column_names"]), bool(ix["unique"]))
                for ix in inspector.get_indexes(table)
            ),
            "unique": sorted(tuple(uc["column_names"]) for uc in inspector.get_unique_constraints(table)),
            "checks": sorted(
                (str(ck["name"]), ck["sqltext"]) for ck in inspector.get_check_constraints(table)
            ),
        }
    return tables


async def central_5cce269_rows(engine: AsyncEngine) -> None:
    """An open month of a 5cce269 central: a manufacturer, two stock lines (one partly sold), a customer."""
    await insert(engine, "manufacturers", [{"manufacturer_id": 1, "name": "acme", "created_at": AT}])
    month = {"month": 1, "state": "open", "opened_at": AT, "close_reason": "", "expected_shoppers": 0}
    await insert(engine, "months", [{**month, "close_after_seconds": 0, "skipped_manufacturers": ""}])
    line = {"month": 1, "manufacturer_id": 1, "reserved": 0}
    await insert(
        engine,
        "stock_lines",
        [
            {**line, "stock_line_id": 1, "product": "jam", "unit_price_cents": 250, "offered": 10, "sold": 3},
            {**line, "stock_line_id": 2, "product": "tea", "unit_price_cents": 100, "offered": 5, "sold": 0},
        ],
    )
    movement = {"kind": "offered", "actor": "manufacturer:acme", "reason": "offer", "reference": "", "at": AT}
    await insert(
        engine,
        "stock_movements",
        [{**movement, "stock_line_id": 1, "quantity": 10}, {**movement, "stock_line_id": 2, "quantity": 5}],
    )


async def branch_5cce269_rows(engine: AsyncEngine) -> None:
    """A 5cce269 branch's stock: two products on the shelf, one stock-in movement each."""
    await insert(
        engine,
        "products",
        [
            {"product": "apple", "unit_cost_cents": 60, "unit_price_cents": 100, "added_at": AT},
            {"product": "pear", "unit_cost_cents": 150, "unit_price_cents": 250, "added_at": AT},
        ],
    )
    shelf = {"reorder_point": 5, "reorder_quantity": 50}
    await insert(
        engine,
        "inventory",
        [{**shelf, "product": "apple", "quantity": 40}, {**shelf, "product": "pear", "quantity": 30}],
    )
