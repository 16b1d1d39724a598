"""Test helpers, now in the testing kit (distribution_testing): bounded polls, raw stubs, set-up calls."""

from distribution_testing.polling import TIMEOUT, assert_eventually, eventually, until, wait_for
from distribution_testing.stubs import (
    VALID_CARD,
    Stubs,
    add,
    checkout,
    fails,
    jam_and_tea_ordered_twice,
    next_reply,
    open_month_with,
    register,
    status,
)

__all__ = [
    "TIMEOUT",
    "VALID_CARD",
    "Stubs",
    "add",
    "assert_eventually",
    "checkout",
    "eventually",
    "fails",
    "jam_and_tea_ordered_twice",
    "next_reply",
    "open_month_with",
    "register",
    "status",
    "until",
    "wait_for",
]
