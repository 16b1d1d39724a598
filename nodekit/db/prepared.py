"""Core statements built and compiled once, for the write path's hot statements.

Building a Core statement and generating its cache key costs far more than
SQLite needs to run it. A ``Prepared`` statement is built once at import time
with named bind parameters. On SQLite it runs its compiled SQL text straight
on the stdlib driver connection, with SQLAlchemy's own type processors applied
to parameters and results so the stored values are exactly what a normal
``Connection.execute`` writes. On asyncpg (PostgreSQL) it is compiled once more,
for that dialect, and runs on the asyncpg connection (``nodekit.db.asyncpg_form``).
On any other driver it is executed through SQLAlchemy as usual. A statement
run once per parameter set (``rows_many``) goes to asyncpg in one pipelined
round trip.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Delete, Insert, Select, Update

from nodekit.db.asyncpg_form import AsyncpgForm, columns_of, is_asyncpg

Statement = Insert | Update | Delete | Select[Any]
Params = Mapping[str, Any]
Processor = Callable[[Any], Any]

# Named placeholders let the driver match parameters by name in C.
_SQLITE = SQLiteDialect_pysqlite(paramstyle="named")


class Prepared:
    """One statement, compiled once; executed raw on SQLite and asyncpg, through SQLAlchemy elsewhere."""

    __slots__ = ("_asyncpg", "_bind_processors", "_defaults", "_result_processors", "sql", "statement")

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        compiled = statement.compile(dialect=_SQLITE)
        self.sql = str(compiled)
        if "POSTCOMPILE" in self.sql:
            raise ValueError(f"an expanding IN cannot be compiled once: {self.sql}")
        # Literal values inside the statement become bind parameters with generated names.
        self._defaults = {
            name: value for name, value in compiled.params.items() if not compiled.binds[name].required
        }
        self._bind_processors: dict[str, Processor] = {}
        for name, bind in compiled.binds.items():
            # dialect_impl: a TypeDecorator's own processor does not chain its impl's.
            processor = bind.type.dialect_impl(_SQLITE).bind_processor(_SQLITE)
            if processor is not None:
                self._bind_processors[name] = processor
        # A SELECT's columns, or the RETURNING columns of an INSERT, UPDATE or DELETE.
        columns = statement.selected_columns if isinstance(statement, Select) else statement.exported_columns
        self._result_processors: list[Processor | None] = [
            column.type.dialect_impl(_SQLITE).result_processor(_SQLITE, None) for column in columns
        ]
        # Compiled at the first use on asyncpg, for the engine's own dialect.
        self._asyncpg: AsyncpgForm | None = None

    def _other(self, connection: Connection) -> AsyncpgForm | None:
        """The asyncpg form when ``connection`` runs on asyncpg, else None (SQLAlchemy executes)."""
        if self._asyncpg is None and is_asyncpg(connection):
            self._asyncpg = AsyncpgForm(self.statement, columns_of(self.statement), connection.dialect)
        return self._asyncpg if self._asyncpg is not None and is_asyncpg(connection) else None

    def execute(self, connection: Connection, params: Params) -> int:
        """Runs the statement once; returns the number of rows it changed."""
        driver = _sqlite_driver(connection)
        if driver is None:
            if (form := self._other(connection)) is not None:
                return form.execute(connection, params)
            return int(connection.execute(self.statement, dict(params)).rowcount)
        return int(driver.execute(self.sql, self._bind(params)).rowcount)

    def execute_many(self, connection: Connection, rows: Sequence[Params]) -> None:
        """Runs the statement once per parameter set (one driver call on SQLite)."""
        if not rows:
            return
        driver = _sqlite_driver(connection)
        if driver is None:
            if (form := self._other(connection)) is not None:
                form.execute_many(connection, rows)
                return
            connection.execute(self.statement, [dict(row) for row in rows])
            return
        driver.executemany(self.sql, [self._bind(row) for row in rows])

    def rows(self, connection: Connection, params: Params) -> list[tuple[Any, ...]]:
        """Runs a SELECT (or a statement with RETURNING); returns its rows as plain tuples."""
        driver = _sqlite_driver(connection)
        if driver is None:
            if (form := self._other(connection)) is not None:
                return form.rows(connection, params)
            return [tuple(row) for row in connection.execute(self.statement, dict(params))]
        fetched = driver.execute(self.sql, self._bind(params)).fetchall()
        processors = self._result_processors
        if not any(processors):
            return fetched
        return [
            tuple(value if p is None else p(value) for p, value in zip(processors, row, strict=True))
            for row in fetched
        ]

    def rows_many(self, connection: Connection, rows: Sequence[Params]) -> list[tuple[Any, ...]]:
        """The rows of the statement run once per parameter set, together (one round trip on asyncpg)."""
        if (form := self._other(connection)) is not None:
            return form.rows_many(connection, rows)
        return [row for params in rows for row in self.rows(connection, params)]

    def first(self, connection: Connection, params: Params) -> tuple[Any, ...] | None:
        """The first row, or None."""
        found = self.rows(connection, params)
        return found[0] if found else None

    def _bind(self, params: Params) -> dict[str, Any]:
        bound = {**self._defaults, **params} if self._defaults else dict(params)
        for name, processor in self._bind_processors.items():
            if name in bound:
                bound[name] = processor(bound[name])
        return bound


def prepared_insert(table: Table, *names: str) -> Prepared:
    """An INSERT of the named columns (all of them when none are named), each bound to its own name."""
    return Prepared(insert(table).values({name: bindparam(name) for name in names or table.columns.keys()}))


@contextmanager
def savepoint(connection: Connection) -> Iterator[None]:
    """Undoes the block's statements, and only those, when it raises (a savepoint in the open transaction)."""
    driver = _sqlite_driver(connection)
    if driver is None:
        with connection.begin_nested():
            yield
        return
    driver.execute("SAVEPOINT block")
    try:
        yield
    except BaseException:
        driver.execute("ROLLBACK TO block")
        driver.execute("RELEASE block")
        raise
    driver.execute("RELEASE block")


def _sqlite_driver(connection: Connection) -> sqlite3.Connection | None:
    """The stdlib driver connection under ``connection``, or None when it is not one."""
    driver = connection.connection.dbapi_connection
    return driver if isinstance(driver, sqlite3.Connection) else None
