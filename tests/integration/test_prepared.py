"""Prepared statements store and read exactly what SQLAlchemy itself would, on both paths."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Connection

from central.testing import RunningCentral
from nodekit.db import prepared
from nodekit.db.prepared import Prepared
from nodekit.db.types import UtcDateTime
from tests.helpers import Stubs, add, fails, jam_and_tea_ordered_twice, open_month_with, status

meta = MetaData()
things = Table(
    "things",
    meta,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(20), nullable=False),
    Column("flag", Boolean, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("count", Integer, nullable=False),
)
INSERT = prepared.prepared_insert(things)  # every column, each bound by its own name
READ = Prepared(select(things.c.name, things.c.flag, things.c.at).where(things.c.id == bindparam("thing")))
BUMP = Prepared(
    update(things)
    .where(things.c.id == bindparam("thing"), things.c.name == "same")
    .values(count=things.c.count + bindparam("by"))
    .returning(things.c.count)
)
MOMENT = datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[Connection]:
    engine = create_sync_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    meta.create_all(engine)
    with engine.begin() as connection:
        yield connection
    engine.dispose()


def _row(i: int) -> dict[str, object]:
    return {"id": i, "name": "same", "flag": True, "at": MOMENT, "count": 1}


def test_raw_path_stores_the_same_bytes_as_sqlalchemy(connection: Connection) -> None:
    connection.execute(insert(things).values(**_row(1)))
    INSERT.execute(connection, _row(2))
    INSERT.execute_many(connection, [_row(3), _row(4)])
    driver = connection.connection.dbapi_connection
    assert isinstance(driver, sqlite3.Connection)
    stored = driver.execute("SELECT name, flag, at, count FROM things ORDER BY id").fetchall()
    assert len(stored) == 4 and len(set(stored)) == 1  # identical columns, whichever path wrote them
    assert stored[0][2] == "2026-11-21 07:30:15.123456"  # UTC, SQLAlchemy's own format


@pytest.mark.parametrize(
    "moment",
    [
        MOMENT,
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(999, 1, 2, 3, 4, 5, 6),
        datetime(2026, 5, 5, 5, 5, 5),
        datetime(2026, 5, 5, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_instants_are_written_as_sqlalchemys_sqlite_datetime_text(moment: datetime) -> None:
    # UtcDateTime formats in C on SQLite; the text must stay what SQLAlchemy's DATETIME writes.
    dialect = SQLiteDialect_pysqlite()
    ours = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
    generic = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None and generic is not None
    assert ours(moment) == generic(moment.astimezone(UTC) if moment.tzinfo else moment)


def test_a_savepoint_undoes_only_its_block(connection: Connection) -> None:
    INSERT.execute(connection, _row(1))

    def two_then_a_duplicate() -> None:
        with prepared.savepoint(connection):
            INSERT.execute(connection, _row(2))
            INSERT.execute(connection, _row(1))

    with pytest.raises(sqlite3.IntegrityError):
        two_then_a_duplicate()
    with prepared.savepoint(connection):
        INSERT.execute(connection, _row(3))
    assert connection.execute(select(things.c.id).order_by(things.c.id)).scalars().all() == [1, 3]


def test_an_insert_names_every_column_unless_told_which() -> None:
    every = "INSERT INTO things (id, name, flag, at, count) VALUES (:id, :name, :flag, :at, :count)"
    assert INSERT.sql == every
    two = prepared.prepared_insert(things, "id", "name")
    assert two.sql == "INSERT INTO things (id, name) VALUES (:id, :name)"


def test_rows_come_back_typed_and_aware(connection: Connection) -> None:
    INSERT.execute(connection, _row(1))
    assert READ.rows(connection, {"thing": 1}) == [("same", True, MOMENT.astimezone(UTC))]
    assert READ.first(connection, {"thing": 99}) is None


def test_returning_and_literal_values(connection: Connection) -> None:
    INSERT.execute(connection, _row(1))
    with_none = Prepared(
        select(things.c.id, literal(None, String).label("missing")).where(things.c.id == bindparam("thing"))
    )
    assert with_none.rows(connection, {"thing": 1}) == [(1, None)]  # a literal None is bound too
    assert BUMP.first(connection, {"thing": 1, "by": 5}) == (6,)
    connection.execute(update(things).values(name="other"))
    assert BUMP.first(connection, {"thing": 1, "by": 5}) is None  # the literal 'same' is bound too
    assert BUMP.execute(connection, {"thing": 1, "by": 5}) == 0


def test_other_drivers_go_through_sqlalchemy(connection: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    # As on PostgreSQL: no stdlib sqlite3 connection underneath, so SQLAlchemy executes.
    monkeypatch.setattr(prepared, "_sqlite_driver", lambda connection: None)
    INSERT.execute(connection, _row(1))
    INSERT.execute_many(connection, [_row(2)])
    assert READ.rows(connection, {"thing": 1}) == [("same", True, MOMENT.astimezone(UTC))]
    assert BUMP.first(connection, {"thing": 1, "by": 1}) == (2,)


def test_an_expanding_in_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="expanding IN"):
        Prepared(select(things.c.id).where(things.c.name.in_(["a", "b"])))


async def test_the_hot_path_works_through_sqlalchemy_too(
    rc: RunningCentral, stubs: Stubs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reserve, checkout, replay, sell-out and unmet demand on the path PostgreSQL takes."""
    monkeypatch.setattr(prepared, "_sqlite_driver", lambda connection: None)
    lines = await open_month_with(rc, stubs, {"jam": 2, "tea": 5})
    ann = await jam_and_tea_ordered_twice(stubs, lines, "prepared-key-1")
    refused = await fails(add(stubs, ann, lines["jam"], 1))
    assert refused.reason in {"INSUFFICIENT_STOCK", "MONTH_NOT_OPEN"}
    month = await status(rc, stubs)
    sold = {line.product: (line.reserved, line.sold) for line in month.stock_lines}
    assert sold == {"jam": (0, 2), "tea": (0, 1)}
    with sqlite3.connect(rc.db_path) as db:
        depleted = db.execute(
            "SELECT depleted_at IS NOT NULL FROM stock_lines WHERE stock_line_id = ?", (lines["jam"],)
        ).fetchone()[0]
        kinds = dict(db.execute("SELECT kind, SUM(quantity) FROM stock_movements GROUP BY kind").fetchall())
        notices = db.execute("SELECT COUNT(*) FROM notifications WHERE kind = 'depletion'").fetchone()[0]
    assert depleted == 1 and notices == 1
    assert kinds["reserved"] == 3 and kinds["sold"] == 3
