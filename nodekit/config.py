"""One configuration scheme for every node: each ``--some-flag`` also reads ``$DISTRIBUTION_SOME_FLAG``.

A flag on the command line wins over its variable, which wins over the built-in default;
the values of a repeated flag are added to those of its variable.
Values in the environment are read as on the command line, through the option's own type:

- a plain option takes the value as it would follow the flag;
- an on/off flag (``--quiet``) takes ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``;
- a repeatable option (``--manufacturer NAME=KEY``) takes its values joined by ``,``
  (``LIST_SEPARATOR``); a value that itself holds a comma goes on the command line or in a file.

An empty variable counts as unset. A bad value is one line naming the variable, exit 2.
``apply_environment`` also ends every option's help with its default and its variable, so
``--help`` (``trading months (default: 3) [$DISTRIBUTION_MONTHS]``) and the README's table
(``scripts/config_table.py``) say the same.
"""

from __future__ import annotations

import argparse
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

P = TypeVar("P", bound=argparse.ArgumentParser)

PREFIX = "DISTRIBUTION_"
LIST_SEPARATOR = ","
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
# Where the variable's name is kept on each argparse action, for the help and the README's table.
_ENV_ATTRIBUTE = "distribution_env"
_SECRET_ATTRIBUTE = "distribution_secret"
_OWN_HELP_ATTRIBUTE = "distribution_own_help"
# A variable and secrecy declared with the option itself (``nodekit.declared``), read by apply_environment.
_DECLARED_ENV_ATTRIBUTE = "distribution_declared_env"


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a parser as the configuration table shows it.

    Attributes:
        command: The subcommand the option belongs to ("" for the program's own options).
        flag: The long flag, e.g. ``--month-seconds``.
        variable: Its environment variable, e.g. ``DISTRIBUTION_MONTH_SECONDS``.
        default: The default as text ("" when there is none); a secret's is never shown.
        required: True when the option must be given (by flag or variable).
        help: The option's own help text, without the appended default and variable.
    """

    command: str
    flag: str
    variable: str
    default: str
    required: bool
    help: str


def variable_name(flag: str) -> str:
    """``--month-seconds`` -> ``DISTRIBUTION_MONTH_SECONDS``."""
    return PREFIX + flag.lstrip("-").replace("-", "_").upper()


def declare_variable(action: argparse.Action, variable: str | None, *, secret: bool = False) -> None:
    """Gives ``action`` its variable (None: the default name) and secrecy for ``apply_environment``."""
    setattr(action, _DECLARED_ENV_ATTRIBUTE, variable)
    setattr(action, _SECRET_ATTRIBUTE, secret)


def apply_environment(
    parser: P,
    env: Mapping[str, str],
    *,
    names: Mapping[str, str] | None = None,
    secret: Collection[str] = (),
) -> P:
    """Gives every long option of ``parser`` (and of its subcommands) a variable and a full help.

    Call it once the parser has all its options, and before ``parse_args``.

    Args:
        parser: The node's parser.
        env: Where the variables are looked up (``os.environ`` in production).
        names: Flag -> variable, where a node keeps a name other than ``DISTRIBUTION_<FLAG>``
            (e.g. ``--key`` of a manufacturer is ``DISTRIBUTION_MANUFACTURER_KEY``).
        secret: Flags whose value is never shown in the help.

    Returns:
        ``parser``, for chaining.

    Raises:
        SystemExit: With code 2 and one line on stderr when a variable holds a bad value.
    """
    for owner, _, action in _actions(parser):
        flag = _long_flag(action)
        if flag is None:
            continue
        declared = getattr(action, _DECLARED_ENV_ATTRIBUTE, None)
        variable = (names or {}).get(flag) or declared or variable_name(flag)
        hidden = flag in secret or bool(getattr(action, _SECRET_ATTRIBUTE, False))
        setattr(action, _ENV_ATTRIBUTE, variable)
        setattr(action, _SECRET_ATTRIBUTE, hidden)
        raw = env.get(variable, "")
        if raw:
            try:
                action.default = _from_text(owner, action, raw)
            except (argparse.ArgumentTypeError, TypeError, ValueError) as error:
                owner.exit(2, f"{owner.prog}: error: ${variable}: {_reason(error, raw)}\n")
            action.required = False
        action.help = _full_help(action, variable, hidden)
    return parser


def options(parser: argparse.ArgumentParser) -> list[Option]:
    """Every long option of ``parser`` and its subcommands (after ``apply_environment``), in order."""
    rows = []
    for _, command, action in _actions(parser):
        flag = _long_flag(action)
        if flag is None:
            continue
        variable = getattr(action, _ENV_ATTRIBUTE, "")
        secret = bool(getattr(action, _SECRET_ATTRIBUTE, False))
        own = getattr(action, _OWN_HELP_ATTRIBUTE, action.help or "")
        shown = "" if secret else _shown(action)
        rows.append(Option(command, flag, variable, shown, action.required, own))
    return rows


def _actions(
    parser: argparse.ArgumentParser, command: str = ""
) -> Iterator[tuple[argparse.ArgumentParser, str, argparse.Action]]:
    """Each action with its parser and subcommand name; a subcommand's aliases are walked once."""
    seen: set[int] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    yield from _actions(sub, f"{command} {name}".strip())
        else:
            yield parser, command, action


def _long_flag(action: argparse.Action) -> str | None:
    if isinstance(action, argparse._HelpAction | argparse._VersionAction):
        return None
    return next((s for s in action.option_strings if s.startswith("--")), None)


def _from_text(parser: argparse.ArgumentParser, action: argparse.Action, raw: str) -> Any:
    if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
        word = raw.strip().lower()
        if word not in _TRUE | _FALSE:
            raise ValueError(f"expected 1/true/yes/on or 0/false/no/off, got {raw!r}")
        given = word in _TRUE
        return given if isinstance(action, argparse._StoreTrueAction) else not given
    if isinstance(action, argparse._AppendAction):
        return [_one(parser, action, part.strip()) for part in raw.split(LIST_SEPARATOR) if part.strip()]
    if isinstance(action, argparse._StoreAction) and action.nargs is None:
        return _one(parser, action, raw)
    raise TypeError(f"the option {action.option_strings[0]} cannot be read from the environment")


def _one(parser: argparse.ArgumentParser, action: argparse.Action, text: str) -> Any:
    convert = parser._registry_get("type", action.type, action.type)
    value = convert(text) if callable(convert) else text
    if action.choices is not None and value not in action.choices:
        allowed = ", ".join(map(str, action.choices))
        raise ValueError(f"expected one of {allowed}, got {text!r}")
    return value


def _reason(error: Exception, raw: str) -> str:
    text = str(error)
    # int("x") and float("x") say "invalid literal ..."; a person needs the value and what fits.
    if isinstance(error, ValueError) and ("invalid literal" in text or "could not convert" in text):
        return f"not a number: {raw!r}"
    return text


def _shown(action: argparse.Action) -> str:
    default = action.default
    if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
        return "on" if default == isinstance(action, argparse._StoreTrueAction) else "off"
    if default is None or default == "" or default == [] or default is argparse.SUPPRESS:
        return ""
    if isinstance(default, list | tuple):
        return LIST_SEPARATOR.join(map(str, default))
    return str(default)


def _full_help(action: argparse.Action, variable: str, secret: bool) -> str:
    own = getattr(action, _OWN_HELP_ATTRIBUTE, None)
    if own is None:
        own = action.help or ""
        setattr(action, _OWN_HELP_ATTRIBUTE, own)
    shown = "" if secret else _shown(action)
    # argparse %-formats help text: a literal "%" in a default must be doubled.
    default = f" (default: {shown})".replace("%", "%%") if shown else ""
    return f"{own}{default} [${variable}]".strip()
