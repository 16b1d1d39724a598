"""A prepared statement's PostgreSQL form: compiled once for asyncpg, run on the driver connection itself.

Through ``Connection.execute`` each statement costs SQLAlchemy's whole execution
path (a context, a cursor adapter, a result) plus the adapter's lock and status
parsing, several times what asyncpg needs. Here the statement is compiled once
for the engine's dialect (positional ``$n`` parameters), its parameters get the
dialect's own type processors, and it runs on the asyncpg connection, whose
statement cache prepares it on the server once per connection. A driver error
is handed to SQLAlchemy as if its own execution had met it, so callers see the
same ``DBAPIError`` (SQLSTATE included) and a lost connection is invalidated.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, NoReturn, TypeVar, cast

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.util import await_

T = TypeVar("T")
Processor = Callable[[Any], Any]


class AsyncpgForm:
    """One statement compiled for asyncpg, with its parameters in ``$n`` order."""

    __slots__ = ("_bind_processors", "_defaults", "_names", "_result_processors", "sql")

    def __init__(self, statement: ClauseElement, columns: Sequence[Any], dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql = str(compiled)
        self._names: list[str] = list(compiled.positiontup or ())
        # Literal values inside the statement are bound too, under generated names.
        self._defaults = {
            name: value for name, value in compiled.params.items() if not compiled.binds[name].required
        }
        self._bind_processors: list[Processor | None] = [
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self._names
        ]
        self._result_processors: list[Processor | None] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        """The positional arguments for ``params``."""
        defaults = self._defaults
        values = []
        for name, processor in zip(self._names, self._bind_processors, strict=True):
            value = params[name] if name in params else defaults[name]
            values.append(value if processor is None else processor(value))
        return values

    def execute(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Runs the statement once; the number of rows it changed."""
        args = self.args(params)
        status = _run(connection, self.sql, args, lambda driver: driver.execute(self.sql, *args))
        # "UPDATE 3", "INSERT 0 1", "DELETE 0": the count is the last word.
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else -1

    def execute_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Runs the statement once per parameter set, in one pipelined round trip."""
        if len(rows) == 1:
            self.execute(connection, rows[0])
            return
        many = [self.args(row) for row in rows]
        _run(connection, self.sql, many, lambda driver: driver.executemany(self.sql, many))

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The rows a SELECT (or RETURNING) gives, as plain tuples with the dialect's result types."""
        args = self.args(params)
        fetched = _run(connection, self.sql, args, lambda driver: driver.fetch(self.sql, *args))
        return self._tuples(fetched)

    def rows_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """The rows of the statement run once per parameter set, all in one pipelined round trip."""
        many = [self.args(row) for row in rows]
        fetched = _run(connection, self.sql, many, lambda driver: driver.fetchmany(self.sql, many))
        return self._tuples(fetched)

    def _tuples(self, fetched: Sequence[Any]) -> list[tuple[Any, ...]]:
        processors = self._result_processors
        if not any(processors):
            return [tuple(record) for record in fetched]
        return [
            tuple(value if p is None else p(value) for p, value in zip(processors, record, strict=True))
            for record in fetched
        ]


def is_asyncpg(connection: Connection) -> bool:
    """True when ``connection`` runs on asyncpg (inside ``run_sync``)."""
    return connection.dialect.driver == "asyncpg"


def columns_of(statement: ClauseElement) -> Sequence[Any]:
    """A SELECT's columns, or the RETURNING columns of an INSERT, UPDATE or DELETE."""
    if isinstance(statement, Select):
        return list(statement.selected_columns)
    return list(getattr(statement, "exported_columns", ()))


def run_script(connection: Connection, sql: str) -> None:
    """Sends ``sql`` as it is, in one round trip (several statements allowed, no parameters)."""
    adapted: Any = connection.connection.dbapi_connection
    try:
        await_(adapted._connection.execute(sql))
    except Exception as error:
        _raise_as_sqlalchemy(connection, adapted, error, sql, ())


def _run(connection: Connection, sql: str, args: Any, call: Callable[[Any], Coroutine[Any, Any, T]]) -> T:
    if not connection.in_transaction():
        # As SQLAlchemy's own execute would (autobegin): its close then rolls back through SQLAlchemy,
        # which takes a connection lost meanwhile for what it is instead of logging a failed reset.
        connection.begin()
    adapted: Any = connection.connection.dbapi_connection
    try:
        # The adapter begins its transaction lazily, at its first statement: so must this one.
        if adapted._transaction is None and not adapted.autocommit:
            await_(adapted._start_transaction())
        return await_(call(adapted._connection))
    except Exception as error:
        _raise_as_sqlalchemy(connection, adapted, error, sql, args)


def _raise_as_sqlalchemy(
    connection: Connection, adapted: Any, error: Exception, sql: str, args: Any
) -> NoReturn:
    try:
        # The adapter's translation: asyncpg's error -> its DBAPI error, carrying the SQLSTATE.
        adapted._handle_exception(error)
    except Exception as translated:
        # SQLAlchemy's own handling: wraps it in a DBAPIError and invalidates a lost connection.
        connection._handle_dbapi_exception(translated, sql, args, None, None)
    raise AssertionError("unreachable")  # pragma: no cover
