"""Money as people read it: integer cents shown as dollars, the one format every node prints."""

from __future__ import annotations


def format_cents(cents: int) -> str:
    """``"$1,234.56"`` for 123456 cents; a negative amount keeps its sign in front (``"-$2.50"``)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"
