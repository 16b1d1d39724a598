"""The report's charts, drawn with matplotlib (Agg, no display) as PNG beside SVG, sized for a projector."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display, no GUI toolkit, safe in any process
# Text stays text in the SVG (searchable, selectable, small) instead of glyph outlines.
matplotlib.rcParams["svg.fonttype"] = "none"

from matplotlib.axes import Axes  # noqa: E402 - after the backend is chosen
from matplotlib.figure import Figure  # noqa: E402

# 16 x 9 inches at 100 dpi: 1600 x 900 pixels, a projector's shape; fonts to read from the back.
SIZE_IN = (16.0, 9.0)
DPI = 100
TITLE_PT, LABEL_PT, TICK_PT, LEGEND_PT, MAKER_PT, NOTE_PT = 24, 20, 18, 16, 13, 32
OFFERED, SOLD, UNMET = "#9ecae1", "#3182bd", "#e6550d"
MAKER_COLORS = ("#3182bd", "#31a354", "#756bb1", "#e6550d", "#636363", "#dd1c77")
NO_DATA = "no data"


@dataclass(frozen=True, slots=True)
class MakerMonth:
    """One manufacturer's month in units and money."""

    month: int
    manufacturer_name: str
    offered: int
    sold: int
    unmet: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class BranchDayBar:
    """One branch's revenue on one business day."""

    branch_name: str
    business_day: str
    revenue_cents: int
    pending: bool


def _figure(rows: int = 1) -> tuple[Figure, list[Axes]]:
    figure = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    axes = [figure.add_subplot(rows, 1, i + 1) for i in range(rows)]
    for one in axes:
        one.tick_params(labelsize=TICK_PT)
    return figure, axes


def _no_data(title: str, why: str) -> Figure:
    figure, (axes,) = _figure()
    axes.set_axis_off()
    axes.set_title(title, fontsize=TITLE_PT)
    axes.text(
        0.5, 0.5, f"{NO_DATA}: {why}", ha="center", va="center", fontsize=NOTE_PT, transform=axes.transAxes
    )
    return figure


def units_and_revenue(points: Sequence[MakerMonth]) -> Figure:
    """Per month and manufacturer: offered (light), sold (dark) with unmet on top (red); revenue below."""
    title = "Units offered, sold and unmet, and revenue, per month and manufacturer"
    if not points:
        return _no_data(title, "no month has closed")
    months = sorted({p.month for p in points})
    makers = sorted({p.manufacturer_name for p in points})
    by_key = {(p.month, p.manufacturer_name): p for p in points}
    width = 0.8 / len(makers)
    figure, (units, money) = _figure(rows=2)
    for i, maker in enumerate(makers):
        xs = [m - 0.4 + width * (i + 0.5) for m in months]
        rows = [by_key.get((m, maker)) for m in months]
        offered = [r.offered if r else 0 for r in rows]
        sold = [r.sold if r else 0 for r in rows]
        unmet = [r.unmet if r else 0 for r in rows]
        first = i == 0
        bars = units.bar(xs, offered, width * 0.95, color=OFFERED, label="offered" if first else None)
        # The same colours for every manufacturer: its first word above its bars tells them apart.
        units.bar_label(bars, labels=[maker.split()[0]] * len(xs), fontsize=MAKER_PT)
        units.bar(xs, sold, width * 0.6, color=SOLD, label="sold" if first else None)
        units.bar(xs, unmet, width * 0.6, bottom=sold, color=UNMET, label="unmet demand" if first else None)
        revenue = [(r.revenue_cents if r else 0) / 100 for r in rows]
        money.bar(xs, revenue, width * 0.95, color=MAKER_COLORS[i % len(MAKER_COLORS)], label=maker)
    for axes in (units, money):
        axes.set_xticks(months, [f"month {m}" for m in months])
        axes.grid(axis="y", alpha=0.3)
        axes.legend(loc="upper left", ncols=3, fontsize=LEGEND_PT)
    units.set_title(title, fontsize=TITLE_PT)
    units.set_ylabel("units", fontsize=LABEL_PT)
    money.set_ylabel("revenue ($)", fontsize=LABEL_PT)
    return figure


def branch_revenue(days: Sequence[BranchDayBar]) -> Figure:
    """Each branch's revenue (streamed sales) per business day; days not reported yet say so."""
    title = "Branch revenue per day (streamed sales)"
    if not days:
        return _no_data(title, "no branch has sold anything")
    dates = sorted({d.business_day for d in days})
    branches = sorted({d.branch_name for d in days})
    by_key = {(d.business_day, d.branch_name): d for d in days}
    width = 0.8 / len(branches)
    figure, (axes,) = _figure()
    for i, branch in enumerate(branches):
        xs = [j - 0.4 + width * (i + 0.5) for j in range(len(dates))]
        rows = [by_key.get((day, branch)) for day in dates]
        values = [(r.revenue_cents if r else 0) / 100 for r in rows]
        bars = axes.bar(xs, values, width * 0.95, color=MAKER_COLORS[i % len(MAKER_COLORS)], label=branch)
        labels = ["pending" if r is not None and r.pending else "" for r in rows]
        axes.bar_label(bars, labels=labels, fontsize=LEGEND_PT, rotation=90, padding=4)
    # Many days: month-day only, slanted, so the labels do not run into each other.
    many = len(dates) > 6
    labels = [day[5:] if many and len(day) == 10 else day for day in dates]
    axes.set_xticks(range(len(dates)), labels, rotation=45 if many else 0)
    axes.set_title(title, fontsize=TITLE_PT)
    axes.set_ylabel("revenue ($)", fontsize=LABEL_PT)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", fontsize=LEGEND_PT)
    return figure


def save(figure: Figure, stem: Path) -> list[Path]:
    """Writes ``stem.png`` and ``stem.svg``; returns both paths."""
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    figure.savefig(png, dpi=DPI)
    # No creation date in the SVG: the same figures give the same file.
    figure.savefig(svg, dpi=DPI, metadata={"Date": None})
    return [png, svg]
