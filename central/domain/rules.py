"""Input rules shared by the use cases: bounds on quantities, names, prices and keys."""

from __future__ import annotations

from central.domain import failures
from nodekit.errors import invalid

MAX_QUANTITY = 1_000_000
MAX_PRICE_CENTS = 100_000_000
MAX_NAME = 100
MIN_KEY, MAX_KEY = 8, 128


def quantity(value: int) -> int:
    """A quantity in 1..1,000,000."""
    if not 1 <= value <= MAX_QUANTITY:
        raise failures.bad_quantity(value, MAX_QUANTITY)
    return value


def name(value: str, what: str = "name") -> str:
    """A trimmed, non-empty name of at most 100 characters."""
    text = value.strip()
    if not text or len(text) > MAX_NAME or not text.isprintable():
        raise invalid(
            "BAD_NAME",
            f"The {what} must be 1-{MAX_NAME} printable characters.",
            field=what,
        )
    return text


def price(value: int, product: str) -> int:
    """A unit price in cents, 1..100,000,000."""
    if not 1 <= value <= MAX_PRICE_CENTS:
        raise invalid(
            "BAD_PRICE",
            f"The unit price of {product} must be 1 to {MAX_PRICE_CENTS} cents; got {value}.",
            product=product,
            unit_price_cents=value,
        )
    return value


def idempotency_key(value: str) -> str:
    """A client-chosen key of 8-128 printable characters."""
    if not MIN_KEY <= len(value) <= MAX_KEY or not value.isprintable():
        raise invalid(
            "BAD_IDEMPOTENCY_KEY",
            f"The idempotency key must be {MIN_KEY}-{MAX_KEY} printable characters.",
        )
    return value


def positive_id(value: int, what: str) -> int:
    """An identifier must be positive."""
    if value <= 0:
        raise invalid("BAD_ID", f"The {what} must be a positive number; got {value}.", field=what)
    return value
