"""A hand-written SVG bar chart of units offered vs sold per month (no plotting library)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

OFFERED_COLOR = "#9ecae1"
SOLD_COLOR = "#3182bd"
HEIGHT = 360
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 24, 56, 48
GROUP_WIDTH = 120
MIN_WIDTH = 400
BAR_WIDTH = 36
TICKS = 5


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One month's bars."""

    label: str
    offered: int
    sold: int


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is >= ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = int(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _text(x: float, y: float, content: str, anchor: str = "middle", size: int = 12, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{extra}>'
        f"{escape(content)}</text>"
    )


def render_chart(points: Sequence[ChartPoint], title: str = "Units offered vs sold") -> str:
    """The chart as a standalone SVG document."""
    width = max(MIN_WIDTH, MARGIN_LEFT + MARGIN_RIGHT + GROUP_WIDTH * max(1, len(points)))
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = nice_ceiling(max([p.offered for p in points] + [p.sold for p in points] + [1]))
    baseline = MARGIN_TOP + plot_h

    def y_of(value: int) -> float:
        return baseline - plot_h * value / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{HEIGHT}" fill="white"/>',
        _text(MARGIN_LEFT, 24, title, anchor="start", size=16, extra=' font-weight="bold"'),
    ]
    # Grid lines and labels on the y axis.
    for i in range(TICKS + 1):
        value = top * i // TICKS
        y = y_of(value)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{width - MARGIN_RIGHT}" y2="{y:.1f}" '
            f'stroke="#dddddd"/>'
        )
        parts.append(_text(MARGIN_LEFT - 8, y + 4, f"{value:,}", anchor="end", size=11))
    parts.append(
        _text(
            16,
            MARGIN_TOP + plot_h / 2,
            "units",
            size=12,
            extra=f' transform="rotate(-90 16 {MARGIN_TOP + plot_h / 2:.1f})"',
        )
    )
    for index, point in enumerate(points):
        group_x = MARGIN_LEFT + GROUP_WIDTH * index
        center = group_x + GROUP_WIDTH / 2
        for offset, value, color, kind in (
            (-BAR_WIDTH, point.offered, OFFERED_COLOR, "offered"),
            (0, point.sold, SOLD_COLOR, "sold"),
        ):
            x = center + offset
            y = y_of(value)
            parts.append(
                f'<rect class="{kind}" x="{x:.1f}" y="{y:.1f}" width="{BAR_WIDTH}" '
                f'height="{baseline - y:.1f}" fill="{color}">'
                f"<title>{escape(f'{point.label}: {value:,} {kind}')}</title></rect>"
            )
            parts.append(_text(x + BAR_WIDTH / 2, y - 4, f"{value:,}", size=10))
        parts.append(_text(center, baseline + 18, point.label))
    parts.append(
        f'<line x1="{MARGIN_LEFT}" y1="{baseline}" x2="{width - MARGIN_RIGHT}" y2="{baseline}" '
        f'stroke="#333333"/>'
    )
    # Legend in the top-right corner.
    legend_x = width - MARGIN_RIGHT - 80
    for row, (label, color) in enumerate((("offered", OFFERED_COLOR), ("sold", SOLD_COLOR))):
        y = 40 + row * 14
        parts.append(f'<rect x="{legend_x}" y="{y - 9}" width="10" height="10" fill="{color}"/>')
        parts.append(_text(legend_x + 16, y, label, anchor="start", size=11))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
