"""Time-ordered random ids (UUIDv7 layout) for rows that are inserted often.

A random id (uuid4) lands on a random page of its table's primary-key index,
so every insert touches a page no other recent insert touched: as a table grows
past the page cache, inserts slow to several times their cost on a small one.
A UUIDv7 starts with the time in milliseconds, so new ids append at the end of
the index, while its 74 random bits keep ids unguessable and unique.
"""

from __future__ import annotations

import os
import time

_VERSION = 0x7 << 76
_VARIANT = 0b10 << 62
_RAND_A = (1 << 12) - 1
_RAND_B = (1 << 62) - 1


def new_id() -> str:
    """A fresh UUIDv7 (RFC 9562) as 32 lowercase hex digits, the same shape as ``uuid4().hex``."""
    random = int.from_bytes(os.urandom(10), "big")
    value = (
        (time.time_ns() // 1_000_000) << 80
        | _VERSION
        | ((random >> 62) & _RAND_A) << 64
        | _VARIANT
        | (random & _RAND_B)
    )
    return f"{value:032x}"
