"""Each setting said once: a dataclass field whose flag, variable, default and help derive from it.

A settings class declares ``month_seconds: float = setting(6.0, help="...")``; ``add_arguments``
makes ``--month-seconds`` (type from the annotation, default from the field), ``apply_environment``
(``nodekit.config``) makes ``$DISTRIBUTION_MONTH_SECONDS`` from that flag, ``from_args`` copies
the parsed values back, and ``scripts/config_table.py`` reads the same parser for the docs' table.

The annotation decides how text is read: ``int``, ``float``, ``str``, ``Path`` (``| None`` for
an optional one), ``bool`` for an on/off switch and ``tuple[X, ...]`` for a
repeatable flag. A field without ``setting`` (a TLS group, a composite key) is left to its node.
A field its node works out when the flag is left out (a seed from the name) declares the flag's
value then with ``unset`` and is passed to ``from_args`` by the node.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass
from typing import Any, TypeVar, cast

from nodekit.config import declare_variable

T = TypeVar("T")
_METADATA_KEY = "nodekit.declared"


@dataclass(frozen=True, slots=True)
class _Declaration:
    help: str
    flag: str | None
    env: str | None
    secret: bool
    choices: Sequence[Any] | None
    metavar: str | None
    parse: Callable[[str], Any] | None
    unset: Any
    opposite: tuple[str, str] | None


def setting(
    default: Any = MISSING,
    *,
    help: str,
    flag: str | None = None,
    env: str | None = None,
    secret: bool = False,
    choices: Sequence[Any] | None = None,
    metavar: str | None = None,
    parse: Callable[[str], Any] | None = None,
    unset: Any = MISSING,
    opposite: tuple[str, str] | None = None,
) -> Any:
    """A dataclass field that is also a command-line flag and a ``DISTRIBUTION_*`` variable.

    Args:
        default: The default; none makes the flag required.
        help: What the setting means, in a few words (the table and ``--help`` add the rest).
        flag: The flag when not ``--field-name`` (e.g. ``--give-up-seconds`` for ``give_up_s``).
        env: The variable when not ``DISTRIBUTION_<FLAG>``.
        secret: Never show the value (keys) in the help, the table or ``repr``.
        choices: The only values accepted.
        metavar: The value's name in ``--help``.
        parse: Reads the text when the annotation's type does not (e.g. a checked count).
        unset: The parsed value when neither flag nor variable is given, where the node then works
            the field out itself (``None``: ``--seed`` left out means a seed from the name).
        opposite: ``(flag, help)`` of a switch that asks for a switch's default outright, exclusive
            with it (``--web`` beside ``--no-web``); it shows no default.
    """
    declaration = _Declaration(help, flag, env, secret, choices, metavar, parse, unset, opposite)
    # A secret stays out of ``repr`` too, so a logged settings object never shows it.
    return dataclasses.field(default=default, repr=not secret, metadata={_METADATA_KEY: declaration})


def add_arguments(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    cls: type[Any],
    variables: Mapping[str, str] | None = None,
) -> None:
    """Adds one flag per declared field of ``cls``, in field order (before ``apply_environment``).

    ``variables`` (field -> variable) names the variables where one declaration serves nodes
    that read it under names of their own (a branch's ``--key`` is ``$DISTRIBUTION_BRANCH_KEY``).
    """
    hints = typing.get_type_hints(cls)
    for item in dataclasses.fields(cls):
        declaration = item.metadata.get(_METADATA_KEY)
        if declaration is None:
            continue
        flag = declaration.flag or "--" + item.name.replace("_", "-")
        kind, element = _kind(hints[item.name])
        keywords: dict[str, Any] = {"dest": item.name, "help": declaration.help}
        if kind is bool:
            # A switch turns its setting away from the default: ``simulate=True`` has ``--no-simulate``.
            keywords["action"] = "store_false" if item.default is True else "store_true"
        else:
            keywords["type"] = declaration.parse or element
            if declaration.choices is not None:
                keywords["choices"] = declaration.choices
            if declaration.choices is None:
                # Named after the flag, not the field: ``--give-up-seconds GIVE_UP_SECONDS``.
                keywords["metavar"] = declaration.metavar or flag.lstrip("-").replace("-", "_").upper()
            if kind is tuple:
                keywords["action"] = "append"
        keywords.update(_default(item, declaration, kind))
        owner = parser if declaration.opposite is None else parser.add_mutually_exclusive_group()
        action = owner.add_argument(flag, **keywords)
        variable = (variables or {}).get(item.name) or declaration.env
        declare_variable(action, variable, secret=declaration.secret)
        if declaration.opposite is not None:
            opposite, opposite_help = declaration.opposite
            # Same destination, no default of its own: the setting's default stays the one that counts.
            store = "store_true" if item.default is True else "store_false"
            owner.add_argument(
                opposite, action=store, dest=item.name, default=argparse.SUPPRESS, help=opposite_help
            )


def _default(item: dataclasses.Field[Any], declaration: _Declaration, kind: type[Any]) -> dict[str, Any]:
    """The flag's ``default`` (or ``required``): ``unset`` when declared, else the field's default."""
    if declaration.unset is not MISSING:
        return {"default": declaration.unset}
    default: Any = item.default
    if default is MISSING:
        return {"required": True}
    # argparse appends to a repeated flag's default in place: give it a fresh list.
    return {"default": list(default) if kind is tuple else default}


def from_args(cls: Callable[..., T], args: argparse.Namespace, **given: Any) -> T:
    """An instance of the settings class ``cls`` from its parsed flags, plus the values ``given``.

    ``given`` holds the fields a node works out itself (a TLS config, a key read from a file) and
    overrides a declared field whose parsed value needed more work (a database path made a URL).
    """
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cast("Any", cls)):
        if _METADATA_KEY in item.metadata and item.name not in given:
            value = getattr(args, item.name)
            values[item.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values, **given)


def _kind(hint: Any) -> tuple[type[Any], Callable[[str], Any]]:
    """(bool | tuple | the plain type, how one value is read) of a field's annotation."""
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = args[0]
        args = list(typing.get_args(hint))
    if typing.get_origin(hint) is tuple:
        return tuple, args[0]
    if hint is bool:
        return bool, bool
    return hint, hint
