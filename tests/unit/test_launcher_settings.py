"""Settings of run.py: defaults, flags, and bad values refused before anything starts."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from launcher.settings import REPO_ROOT, Settings, parse_settings, sqlite_url


def test_defaults_make_a_fresh_run_dir_under_runs_with_a_sqlite_file_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under the directory the command runs in, not the installed package's.
    monkeypatch.chdir(tmp_path)
    settings = parse_settings([], now=datetime(2030, 1, 2, 3, 4, 5, 6))

    assert settings.run_dir == tmp_path.resolve() / "runs" / "20300102-030405-000006"
    assert settings.db_url == f"sqlite+aiosqlite:///{settings.run_dir}/central.sqlite3"
    assert (settings.months, settings.manufacturers, settings.customers, settings.branches) == (
        3,
        3,
        8,
        2,
    )
    # The normal pace: 12 s months.
    assert (settings.seed, settings.month_seconds, settings.pace, settings.quiet) == (1, 12, "normal", False)
    assert settings.node_root == REPO_ROOT


def test_every_flag_is_parsed(tmp_path: Path) -> None:
    settings = parse_settings(
        [
            "--months", "2", "--manufacturers", "4", "--customers", "3", "--branches", "0",
            "--seed", "42", "--db", "postgresql+asyncpg://x/y", "--run-dir", str(tmp_path),
            "--month-seconds", "5", "--quiet",
        ]
    )  # fmt: skip

    assert settings == Settings(
        months=2,
        manufacturers=4,
        customers=3,
        branches=0,
        seed=42,
        db_url="postgresql+asyncpg://x/y",
        run_dir=tmp_path.resolve(),
        month_seconds=5,
        quiet=True,
    )


def test_a_pace_sets_the_month_length_unless_month_seconds_overrides_it() -> None:
    assert parse_settings(["--pace", "slow"]).month_seconds == 60
    assert parse_settings(["--pace", "brisk"]).month_seconds == 5
    slow = parse_settings(["--pace", "slow", "--month-seconds", "30"])
    assert (slow.pace, slow.month_seconds) == ("slow", 30)
    assert (slow.tempo.month_seconds, slow.tempo.think_ms) == (30, 600)


def test_a_relative_run_dir_becomes_absolute_because_children_run_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    settings = parse_settings(["--run-dir", "out"])

    assert settings.run_dir == tmp_path.resolve() / "out"
    assert settings.db_url == sqlite_url(tmp_path / "out")


@pytest.mark.parametrize(
    "flags",
    [
        ["--months", "0"],
        ["--manufacturers", "0"],
        ["--manufacturers", "27"],
        ["--customers", "-1"],
        ["--month-seconds", "0"],
        ["--pace", "leisurely"],
        ["--months", "many"],
    ],
)
def test_bad_values_are_refused(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_settings(flags)

    assert exit_info.value.code == 2
    assert flags[0] in capsys.readouterr().err


def test_settings_are_frozen_and_their_json_leaves_nothing_secret_out() -> None:
    settings = Settings()

    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.months = 5  # type: ignore[misc]
    assert set(settings.to_json()) == {
        "months", "manufacturers", "customers", "branches", "seed", "db_url", "run_dir",
        "month_seconds", "pace", "centrals",
    }  # fmt: skip
