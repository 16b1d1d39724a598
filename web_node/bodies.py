"""A request body as one small JSON object: bounded nesting and numbers, refusals in plain words."""

from __future__ import annotations

import json
import re
from typing import Any

# The pages send flat objects; anything nested deeper is not from them.
MAX_DEPTH = 8
# Longer than any id or quantity the API takes, far below Python's int string limit.
MAX_DIGITS = 20
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class BadBody(Exception):
    """The body is not a JSON object the API takes; the message is for a person."""


def depth(text: str) -> int:
    """How deeply arrays and objects nest in the JSON ``text`` (brackets inside strings do not count)."""
    level = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        level += 1 if bracket in "[{" else -1
        deepest = max(deepest, level)
    return deepest


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise BadBody("A number in the request is too long.")
    return int(digits)


def _constant(name: str) -> float:
    raise BadBody("The request was not JSON.")


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a dict; raises BadBody for anything else."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("The request was not JSON (UTF-8).") from None
    if depth(text) > MAX_DEPTH:
        raise BadBody("The request is nested too deeply.")
    try:
        body = json.loads(text, parse_int=_integer, parse_constant=_constant)
    except (ValueError, RecursionError):
        raise BadBody("The request was not JSON.") from None
    if not isinstance(body, dict):
        raise BadBody("The request was not a JSON object.")
    return body


def encodable(text: str) -> bool:
    """Whether ``text`` can be sent on (a lone surrogate from a JSON escape cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
