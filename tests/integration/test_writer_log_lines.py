"""A failed background write logs one line when the database says why, a traceback only when unexpected."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from nodekit.db.engine import create_engine, sqlite_url
from nodekit.db.writer import WriteQueue


def _missing_table(connection: Connection) -> None:
    connection.execute(text("INSERT INTO nowhere VALUES (1)"))


def _bug(connection: Connection) -> None:
    raise ZeroDivisionError("a bug in the write")


async def test_a_database_failure_is_one_line_and_a_bug_keeps_its_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(sqlite_url(str(tmp_path / "w.sqlite3")))
    writer = WriteQueue(engine)
    await writer.start()
    try:
        with caplog.at_level(logging.WARNING, logger="nodekit.db.writer"):
            writer.submit(_missing_table)
            writer.submit(_bug)
            await writer.stop()
    finally:
        await engine.dispose()
    failures = [r for r in caplog.records if r.getMessage().startswith("background write failed")]
    assert len(failures) == 2, caplog.text
    database, bug = failures
    # The database's refusal, said in one line: the table it lacks, and no traceback.
    assert database.levelno == logging.WARNING and database.exc_info is None
    assert "no such table: nowhere" in database.getMessage()
    assert len(database.getMessage().splitlines()) == 1
    # What nobody expected keeps its traceback.
    assert bug.levelno == logging.ERROR and bug.exc_info is not None
