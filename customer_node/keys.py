"""Idempotency keys for checkout: derived, never random, so a retried checkout is safe."""

from __future__ import annotations

import hashlib
import re

MIN_LENGTH = 8
MAX_LENGTH = 128
_SLUG_LENGTH = 40
_UNSAFE = re.compile(r"[^a-z0-9]+")


def checkout_key(name: str, month: int, attempt: int) -> str:
    """The idempotency key of one checkout.

    The key depends only on who checks out, in which month, and the how-manieth checkout of
    that month it is. A retry of the same checkout (after UNAVAILABLE or a lost answer, even
    from a restarted process) therefore sends the same key and gets the same order back instead
    of buying twice, while the next planned checkout of the month gets a new key.

    Args:
        name: The customer's name (any text).
        month: Month number.
        attempt: Number of the checkout within the month, starting at 0.

    Returns:
        A key of 8-128 characters from ``[a-z0-9-]``, readable in logs
        (``<name slug>-m<month>-c<attempt>-<digest>``).
    """
    digest = hashlib.sha256(f"{name}\x00{month}\x00{attempt}".encode()).hexdigest()[:16]
    # The slug is only for people reading logs; the digest keeps names that slug alike apart.
    slug = _UNSAFE.sub("-", name.lower()).strip("-")[:_SLUG_LENGTH] or "customer"
    return f"{slug}-m{month}-c{attempt}-{digest}"
