"""Payment cards: Luhn check, expiry, and what may be stored (last four digits, a keyed fingerprint)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from nodekit.errors import invalid, precondition

MIN_DIGITS = 12
MAX_DIGITS = 19
# Only ASCII digits are card digits: str.isdigit also takes superscripts, full-width and
# Arabic-Indic digits, which no card network prints and int() may not even read.
_ASCII_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class StoredCard:
    """The only card data the central keeps."""

    last4: str
    fingerprint: str
    expiry_year: int
    expiry_month: int

    def check_usable(self, today: date) -> None:
        """Raises FAILED_PRECONDITION when there is no card or it has expired."""
        if not self.last4:
            raise precondition("PAYMENT_CARD_REQUIRED", "Register a payment card before checking out.")
        if is_expired(self.expiry_year, self.expiry_month, today):
            raise precondition(
                "PAYMENT_CARD_EXPIRED",
                f"The card ending {self.last4} expired in {self.expiry_month:02d}/{self.expiry_year}.",
                last4=self.last4,
            )


NO_CARD = StoredCard("", "", 0, 0)


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_expired(year: int, month: int, today: date) -> bool:
    """A card is valid through the last day of its expiry month."""
    return (year, month) < (today.year, today.month)


def accept_card(number: str, expiry_month: int, expiry_year: int, today: date, key: bytes) -> StoredCard:
    """Validates a card and returns what may be stored, or raises INVALID_ARGUMENT."""
    digits = number.replace(" ", "").replace("-", "")
    if not _ASCII_DIGITS.issuperset(digits) or not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise invalid(
            "BAD_CARD_NUMBER",
            f"A card number has {MIN_DIGITS} to {MAX_DIGITS} digits 0-9 (spaces and dashes allowed).",
        )
    if not luhn_valid(digits):
        raise invalid("BAD_CARD_NUMBER", "The card number fails the Luhn check; please re-type it.")
    if not 1 <= expiry_month <= 12 or not 2000 <= expiry_year <= 2200:
        raise invalid(
            "BAD_CARD_EXPIRY",
            f"Expiry must be a month 1-12 and a four-digit year; got {expiry_month}/{expiry_year}.",
            expiry_month=expiry_month,
            expiry_year=expiry_year,
        )
    if is_expired(expiry_year, expiry_month, today):
        raise invalid(
            "CARD_EXPIRED",
            f"The card expired in {expiry_month:02d}/{expiry_year}.",
            expiry_month=expiry_month,
            expiry_year=expiry_year,
        )
    fingerprint = hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()
    return StoredCard(digits[-4:], fingerprint, expiry_year, expiry_month)
