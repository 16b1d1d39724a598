"""Small text helpers for the progress display, the summaries and the report: numbers, tables, times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime


def percent(part: int, whole: int) -> str:
    """``42%``, or ``-`` when there is nothing to divide by."""
    return f"{100 * part / whole:.0f}%" if whole else "-"


def fit(line: str, width: int) -> str:
    """``line`` cut to ``width`` characters."""
    return line if len(line) <= width else line[: max(0, width - 1)] + "~"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A plain-text table; the first column is left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return [line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:])]


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], text_columns: int = 1
) -> list[str]:
    """A GitHub-flavoured Markdown table; the first ``text_columns`` are left-aligned."""
    aligns = [":---" if i < text_columns else "---:" for i in range(len(headers))]

    def line(row: Sequence[object]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |"

    return [line(headers), line(aligns), *(line(r) for r in rows)]


def clock_time(moment: datetime | str | None) -> str:
    """``14:03:27`` in the machine's local time, from a datetime or ISO-8601 text; ``-`` for None."""
    if moment is None:
        return "-"
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return when.astimezone().strftime("%H:%M:%S")


def after(seconds: float | None) -> str:
    """``+4.2 s`` (seconds after a month opened), or ``-`` for None."""
    return "-" if seconds is None else f"+{seconds:.1f} s"
