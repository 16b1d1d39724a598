"""Keys from owner-only files: read; warned about when others may read them; refused when unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from branch_node.settings import parse_args as parse_branch
from central.settings import parse_args as parse_central
from manufacturer_node.settings import parse_args as parse_manufacturer
from web_node.settings import parse_args as parse_web

CENTRAL = {"DISTRIBUTION_CENTRAL": "127.0.0.1:1"}


def secret_file(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_every_node_takes_its_key_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = secret_file(tmp_path / "acme.key", "  -dashed-key\n")
    op = secret_file(tmp_path / "op.key", "op-key\n")

    maker = parse_manufacturer(["--name", "Acme", "--key-file", str(key)], CENTRAL)
    branch = parse_branch(["--name", "n", "--db", "n.db", "--key-file", str(key)], CENTRAL)
    web = parse_web(["--operator-key-file", str(op)], CENTRAL)
    central = parse_central(["--operator-key-file", str(op)], {})

    assert (maker.key, branch.key) == ("-dashed-key", "-dashed-key")
    assert (web.operator_key, central.operator_key) == ("op-key", "op-key")
    assert capsys.readouterr().err == ""


def test_each_node_reads_its_key_and_key_file_under_its_own_variables(tmp_path: Path) -> None:
    key = secret_file(tmp_path / "acme.key", "file-key\n")

    maker = parse_manufacturer(
        ["--name", "Acme"], {**CENTRAL, "DISTRIBUTION_MANUFACTURER_KEY_FILE": str(key)}
    )
    branch = parse_branch(["--name", "n", "--db", "n.db"], {**CENTRAL, "DISTRIBUTION_BRANCH_KEY": "env-key"})

    assert (maker.key, branch.key) == ("file-key", "env-key")


def test_the_central_reads_its_lists_of_keys_from_files_and_the_environment(tmp_path: Path) -> None:
    makers = secret_file(tmp_path / "makers.keys", "# name=key\nAcme Foods=k1\n\nBorealis Tools=k2\n")
    branches = secret_file(tmp_path / "branches.keys", "north=k3\n")
    env = {"DISTRIBUTION_MANUFACTURER_KEYS": "Cobalt=k4", "DISTRIBUTION_BRANCH_KEYS_FILE": str(branches)}

    settings = parse_central(["--manufacturer-keys-file", str(makers)], env)

    assert settings.manufacturer_keys == {"Cobalt": "k4", "Acme Foods": "k1", "Borealis Tools": "k2"}
    assert settings.branch_keys == {"north": "k3"}


def test_a_key_file_others_can_read_is_used_with_one_line_of_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = secret_file(tmp_path / "acme.key", "k1\n", mode=0o644)

    maker = parse_manufacturer(["--name", "Acme", "--key-file", str(key)], CENTRAL)

    assert maker.key == "k1"
    assert capsys.readouterr().err == (
        f"python -m manufacturer_node: warning: the key file {key} is readable by group or others "
        "(mode 0644); chmod 600 it\n"
    )


@pytest.mark.parametrize("content", [None, "\n"])
def test_a_missing_or_empty_key_file_stops_the_node_in_one_line(
    tmp_path: Path, content: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "acme.key"
    if content is not None:
        secret_file(key, content)

    with pytest.raises(SystemExit) as stop:
        parse_branch(["--name", "n", "--db", "n.db", "--key-file", str(key)], CENTRAL)

    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.startswith("python -m branch_node: error: ") and str(key) in err and err.count("\n") == 1
    assert ("empty" if content else "No such file") in err


def test_a_node_without_any_key_says_where_one_can_come_from(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        parse_manufacturer(["--name", "Acme"], CENTRAL)

    assert stop.value.code == 2
    assert "--key-file, DISTRIBUTION_MANUFACTURER_KEY or --key is required" in capsys.readouterr().err


def test_a_malformed_pair_is_refused_without_echoing_what_may_be_a_key(tmp_path: Path) -> None:
    branches = secret_file(tmp_path / "branches.keys", "north=k3\nsecret-without-a-name\n")

    with pytest.raises(SystemExit) as stop:
        parse_central(["--branch-keys-file", str(branches)], {})

    assert str(stop.value) == "--branch (and its file) takes NAME=KEY; one value has no NAME= or no KEY"
