"""The operator command's own options may follow the command: ``status --key-file X`` is the key file."""

from __future__ import annotations

from pathlib import Path

import pytest

from operator_cli.cli import parse_args
from operator_cli.commands import OpenMonth, ShowMonth


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "operator.key"
    path.write_text("op-key\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def test_options_after_the_command_are_the_programs_own(key_file: Path) -> None:
    settings = parse_args(["--central", "127.0.0.1:1", "status", "--key-file", str(key_file)], {})

    assert settings.key == "op-key" and settings.key_file == key_file
    assert settings.command == ShowMonth(0)


def test_options_after_the_command_mix_with_its_own_arguments(key_file: Path) -> None:
    settings = parse_args(
        ["status", "2", f"--key-file={key_file}", "--central", "127.0.0.1:1", "--timeout", "3"], {}
    )

    assert settings.command == ShowMonth(2)
    assert settings.central == "127.0.0.1:1" and settings.timeout_s == 3.0 and settings.key == "op-key"


def test_the_commands_own_options_stay_with_it(key_file: Path) -> None:
    settings = parse_args(
        ["open", "--key-file", str(key_file), "--expected-shoppers", "4", "--central", "127.0.0.1:1"], {}
    )

    assert settings.command == OpenMonth(0, 4, 0)


def test_a_month_that_is_not_a_number_is_still_one_line(
    key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--central", "127.0.0.1:1", "--key-file", str(key_file), "status", "june"], {})

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "expected a whole number, got 'june'" in err and err.count("\n") == 1
