"""Idempotency keys of checkouts and the month summary line."""

from __future__ import annotations

import re

from customer_node.keys import checkout_key
from customer_node.tally import MonthTally


def test_key_is_deterministic_from_name_month_and_attempt() -> None:
    assert checkout_key("Ann Lee", 2, 0) == checkout_key("Ann Lee", 2, 0)
    keys = {
        checkout_key(name, month, attempt)
        for name in ("Ann Lee", "Bob")
        for month in (1, 2)
        for attempt in (0, 1)
    }
    assert len(keys) == 8


def test_names_that_slug_alike_get_different_keys() -> None:
    assert checkout_key("Ann Lee", 1, 0) != checkout_key("ann-lee", 1, 0)


def test_key_shape_fits_the_contract() -> None:
    for name in ("a", "Ann Lee", "%%%", "Zoë " * 40, "x" * 100):
        key = checkout_key(name, 12, 3)
        assert 8 <= len(key) <= 128
        assert re.fullmatch(r"[a-z0-9-]+", key), key
    assert checkout_key("Ann Lee", 2, 1).startswith("ann-lee-m2-c1-")


def test_month_summary_line() -> None:
    tally = MonthTally(2, units_bought=7, orders=3, unmet=4, spent_cents=12345)
    assert tally.summary() == "month 2: bought 7 units in 3 orders, unmet 4, spent 12345 cents"
