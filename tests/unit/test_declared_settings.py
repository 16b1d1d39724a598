"""A setting declared once as a dataclass field gives its flag, variable, default, help and value."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pytest

from nodekit.config import apply_environment, options
from nodekit.declared import add_arguments, from_args, setting


@dataclass(frozen=True, kw_only=True)
class Example:
    name: str = setting(help="who")
    months: int = setting(3, help="trading months")
    give_up_s: float = setting(1.5, flag="--give-up-seconds", help="patience")
    db: Path | None = setting(None, env="DISTRIBUTION_EXAMPLE_DB", metavar="FILE", help="a file")
    tags: tuple[str, ...] = setting((), flag="--tag", help="repeatable")
    quiet: bool = setting(False, help="say less")
    simulate: bool = setting(True, flag="--no-simulate", help="only stream")
    secret: str = setting("hidden-default", secret=True, help="a key")
    mode: str = setting("text", choices=("text", "json"), help="format")
    computed: int = 0


def parser(env: dict[str, str]) -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(prog="example")
    add_arguments(made, Example)
    return apply_environment(made, env)


def test_defaults_come_from_the_fields_and_the_rest_is_given() -> None:
    value = from_args(Example, parser({}).parse_args(["--name", "n"]), computed=7)

    assert value == Example(name="n", computed=7)


def test_flags_and_variables_are_read_through_the_annotation() -> None:
    env = {"DISTRIBUTION_MONTHS": "5", "DISTRIBUTION_EXAMPLE_DB": "x.db", "DISTRIBUTION_TAG": "a,b"}
    argv = ["--name", "n", "--give-up-seconds", "2", "--tag", "c", "--quiet", "--no-simulate"]

    value = from_args(Example, parser(env).parse_args(argv))

    assert (value.months, value.give_up_s, value.db) == (5, 2.0, Path("x.db"))
    assert value.tags == ("a", "b", "c") and value.quiet and not value.simulate


def test_the_table_shows_each_flag_with_its_variable_and_never_a_secret() -> None:
    rows = {row.flag: row for row in options(parser({}))}

    assert rows["--name"].required and rows["--name"].variable == "DISTRIBUTION_NAME"
    assert rows["--give-up-seconds"].default == "1.5"
    assert rows["--db"].variable == "DISTRIBUTION_EXAMPLE_DB"
    assert rows["--no-simulate"].default == "off"
    assert rows["--secret"].default == "" and "hidden-default" not in parser({}).format_help()
    assert "hidden-default" not in repr(Example(name="n"))


def test_a_bad_value_is_one_line_naming_the_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parser({"DISTRIBUTION_MODE": "xml"})

    assert exit_info.value.code == 2
    assert (
        capsys.readouterr().err
        == "example: error: $DISTRIBUTION_MODE: expected one of text, json, got 'xml'\n"
    )


@dataclass(frozen=True, kw_only=True)
class Worked:
    seed: int = setting(unset=None, help="seed (default: from the name)")
    web: bool = setting(True, flag="--no-web", help="leave it out", opposite=("--web", "start it"))


def worked_parser(env: dict[str, str]) -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(prog="worked")
    add_arguments(made, Worked)
    return apply_environment(made, env)


def test_an_unset_flag_leaves_the_field_to_its_node() -> None:
    assert worked_parser({}).parse_args([]).seed is None
    assert worked_parser({"DISTRIBUTION_SEED": "4"}).parse_args([]).seed == 4
    assert from_args(Worked, worked_parser({}).parse_args([]), seed=9) == Worked(seed=9)


def test_an_opposite_switch_asks_for_the_default_and_excludes_its_switch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert worked_parser({}).parse_args(["--web"]).web is True
    assert worked_parser({}).parse_args(["--no-web"]).web is False
    assert worked_parser({"DISTRIBUTION_NO_WEB": "1"}).parse_args([]).web is False
    with pytest.raises(SystemExit):
        worked_parser({}).parse_args(["--web", "--no-web"])
    assert "not allowed with argument --web" in capsys.readouterr().err
