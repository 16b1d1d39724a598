"""How the operator command writes money, times and flags for people."""

from __future__ import annotations

from datetime import datetime

from nodekit.money import format_cents as dollars

__all__ = ["dollars", "local_time", "yes_no"]


def local_time(moment: datetime | None) -> str:
    """``2026-11-22 14:03:05`` in this machine's time zone, or ``-`` when there is no moment."""
    if moment is None:
        return "-"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def yes_no(flag: bool) -> str:
    """``yes`` or ``no``."""
    return "yes" if flag else "no"
