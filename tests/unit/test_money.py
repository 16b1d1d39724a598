"""Cents are printed the same way by every node: a dollar sign, thousands grouped, two decimals."""

from __future__ import annotations

from nodekit.money import format_cents


def test_cents_read_as_dollars() -> None:
    assert format_cents(123456) == "$1,234.56"
    assert format_cents(5) == "$0.05"
    assert format_cents(0) == "$0.00"
    assert format_cents(123456789) == "$1,234,567.89"


def test_a_negative_amount_keeps_its_sign_in_front() -> None:
    assert format_cents(-250) == "-$2.50"
    assert format_cents(-150) == "-$1.50"
