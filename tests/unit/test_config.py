"""The one configuration scheme: every flag also read from DISTRIBUTION_<FLAG>, shown in --help."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from nodekit.config import apply_environment, options, variable_name


def parser(env: dict[str, str]) -> argparse.ArgumentParser:
    built = argparse.ArgumentParser(prog="prog")
    built.add_argument("--month-seconds", type=float, default=6.0, help="month length")
    built.add_argument("--central", required=True, help="where")
    built.add_argument("--quiet", action="store_true", help="plain lines")
    built.add_argument("--pace", choices=["brisk", "slow"], default="slow", help="tempo")
    built.add_argument("--pair", action="append", default=[], help="NAME=KEY")
    built.add_argument("--key", default="", help="the key")
    built.add_argument("--key-file", type=Path, help="the key's file")
    return apply_environment(built, env, names={"--key": "DISTRIBUTION_NODE_KEY"}, secret=("--key",))


def test_variable_names_follow_the_flag() -> None:
    assert variable_name("--month-seconds") == "DISTRIBUTION_MONTH_SECONDS"
    assert variable_name("--db") == "DISTRIBUTION_DB"


def test_variables_give_typed_defaults_and_flags_win_or_add() -> None:
    env = {
        "DISTRIBUTION_MONTH_SECONDS": "2.5",
        "DISTRIBUTION_CENTRAL": "127.0.0.1:1",
        "DISTRIBUTION_QUIET": "yes",
        "DISTRIBUTION_PACE": "brisk",
        "DISTRIBUTION_PAIR": "Acme Foods=k1, north=k2",
        "DISTRIBUTION_NODE_KEY": "-dashed",
        "DISTRIBUTION_KEY_FILE": "/tmp/k",
    }

    args = parser(env).parse_args([])
    flagged = parser(env).parse_args(["--month-seconds", "9", "--pace", "slow", "--pair", "x=y"])

    assert (args.month_seconds, args.central, args.quiet, args.pace) == (2.5, "127.0.0.1:1", True, "brisk")
    assert args.pair == ["Acme Foods=k1", "north=k2"]
    assert (args.key, args.key_file) == ("-dashed", Path("/tmp/k"))
    assert (flagged.month_seconds, flagged.pace) == (9.0, "slow")
    # A repeatable flag adds to its variable's values, as the central's key files do.
    assert flagged.pair == ["Acme Foods=k1", "north=k2", "x=y"]


def test_without_variables_the_defaults_hold_and_an_empty_variable_is_unset() -> None:
    empty = {"DISTRIBUTION_QUIET": "", "DISTRIBUTION_MONTH_SECONDS": ""}
    args = parser(empty).parse_args(["--central", "a:1"])

    assert (args.month_seconds, args.quiet, args.pace, args.pair, args.key) == (6.0, False, "slow", [], "")


def test_an_off_value_leaves_an_on_off_flag_off() -> None:
    assert not parser({"DISTRIBUTION_QUIET": "off", "DISTRIBUTION_CENTRAL": "a:1"}).parse_args([]).quiet


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("DISTRIBUTION_MONTH_SECONDS", "soon", "not a number: 'soon'"),
        ("DISTRIBUTION_QUIET", "maybe", "expected 1/true/yes/on or 0/false/no/off, got 'maybe'"),
        ("DISTRIBUTION_PACE", "fast", "expected one of brisk, slow, got 'fast'"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    variable: str, value: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        parser({variable: value})

    assert stop.value.code == 2
    assert capsys.readouterr().err == f"prog: error: ${variable}: {reason}\n"


def test_a_required_flag_is_still_required_without_its_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser({}).parse_args([])

    assert "--central" in capsys.readouterr().err


def test_help_shows_each_default_and_variable_but_never_a_secret() -> None:
    text = " ".join(parser({"DISTRIBUTION_NODE_KEY": "s3cret"}).format_help().split())

    assert "month length (default: 6.0) [$DISTRIBUTION_MONTH_SECONDS]" in text
    assert "plain lines (default: off) [$DISTRIBUTION_QUIET]" in text
    assert "the key [$DISTRIBUTION_NODE_KEY]" in text
    assert "s3cret" not in text


def test_options_list_every_long_flag_with_its_variable_and_subcommands() -> None:
    top = argparse.ArgumentParser(prog="top")
    top.add_argument("--timeout", type=float, default=10.0, help="deadline")
    sub = top.add_subparsers(dest="command").add_parser("open")
    sub.add_argument("--limit", type=int, default=5, help="how many")
    apply_environment(top, {"DISTRIBUTION_LIMIT": "7"})

    rows = options(top)

    assert [(r.command, r.flag, r.variable, r.default) for r in rows] == [
        ("", "--timeout", "DISTRIBUTION_TIMEOUT", "10.0"),
        ("open", "--limit", "DISTRIBUTION_LIMIT", "7"),
    ]
    assert top.parse_args(["open"]).limit == 7
