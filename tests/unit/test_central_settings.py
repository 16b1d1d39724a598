"""The central's flags: a plain --db path is a SQLite file, and no operator key is built in."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.settings import parse_args
from central.startup import StartupError, check_database


def test_a_plain_db_path_is_a_sqlite_file() -> None:
    assert (
        parse_args(["--db", "/data/central.sqlite3"], env={}).db_url
        == "sqlite+aiosqlite:////data/central.sqlite3"
    )
    url = "postgresql+asyncpg://u@h/db"
    assert parse_args(["--db", url], env={}).db_url == url


def test_no_operator_key_is_built_in() -> None:
    assert parse_args([], env={}).operator_key == ""
    assert parse_args([], env={"DISTRIBUTION_OPERATOR_KEY": "from-env-123"}).operator_key == "from-env-123"


def test_a_database_url_that_does_not_parse_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(StartupError, match="is neither a database URL nor a file path"):
        check_database("sqlite+aiosqlite//nope")
    check_database(f"sqlite+aiosqlite:///{tmp_path}/c.sqlite3")
