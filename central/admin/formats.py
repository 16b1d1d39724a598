"""How the operator command writes money, times and flags for people."""

from __future__ import annotations

from datetime import datetime


def dollars(cents: int) -> str:
    """``$1,234.56`` for 123456 cents; a negative amount keeps its sign (``-$0.05``)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


def local_time(moment: datetime | None) -> str:
    """``2026-11-22 14:03:05`` in this machine's time zone, or ``-`` when there is no moment."""
    if moment is None:
        return "-"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def yes_no(flag: bool) -> str:
    """``yes`` or ``no``."""
    return "yes" if flag else "no"
