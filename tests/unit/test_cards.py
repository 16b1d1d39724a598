"""Payment card rules: Luhn, expiry, and what is stored."""

from __future__ import annotations

from datetime import date

import pytest

from central.domain.cards import NO_CARD, accept_card, is_expired, luhn_valid
from nodekit.errors import DomainError, ErrorKind

TODAY = date(2026, 11, 21)
KEY = b"test-key"


@pytest.mark.parametrize("number", ["4242424242424242", "5555555555554444", "378282246310005", "79927398713"])
def test_luhn_accepts_valid_numbers(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4242424242424241", "1234567812345678", "79927398710"])
def test_luhn_rejects_invalid_numbers(number: str) -> None:
    assert not luhn_valid(number)


def test_card_valid_through_its_expiry_month() -> None:
    assert not is_expired(2026, 11, TODAY)
    assert is_expired(2026, 10, TODAY)


def test_only_last_four_and_fingerprint_are_kept() -> None:
    stored = accept_card("4242 4242 4242 4242", 12, 2030, TODAY, KEY)
    assert stored.last4 == "4242"
    assert "4242424242424242" not in repr(stored)
    assert stored.fingerprint == accept_card("4242-4242-4242-4242", 1, 2031, TODAY, KEY).fingerprint
    assert stored.fingerprint != accept_card("4242424242424242", 12, 2030, TODAY, b"other").fingerprint


@pytest.mark.parametrize(
    ("number", "month", "year", "reason"),
    [
        ("4242424242424241", 12, 2030, "BAD_CARD_NUMBER"),
        ("42424242", 12, 2030, "BAD_CARD_NUMBER"),
        ("4242x42424242424", 12, 2030, "BAD_CARD_NUMBER"),
        ("4242424242424242", 13, 2030, "BAD_CARD_EXPIRY"),
        ("4242424242424242", 10, 2026, "CARD_EXPIRED"),
    ],
)
def test_bad_cards_are_invalid_arguments(number: str, month: int, year: int, reason: str) -> None:
    with pytest.raises(DomainError) as refused:
        accept_card(number, month, year, TODAY, KEY)
    assert (refused.value.kind, refused.value.reason) == (ErrorKind.INVALID_ARGUMENT, reason)


def test_checkout_needs_a_card_that_has_not_expired() -> None:
    with pytest.raises(DomainError) as no_card:
        NO_CARD.check_usable(TODAY)
    assert no_card.value.reason == "PAYMENT_CARD_REQUIRED"
    stored = accept_card("4242424242424242", 11, 2026, TODAY, KEY)
    stored.check_usable(TODAY)
    with pytest.raises(DomainError) as expired:
        stored.check_usable(date(2026, 12, 1))
    assert expired.value.reason == "PAYMENT_CARD_EXPIRED"
