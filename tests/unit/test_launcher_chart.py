"""The hand-written SVG chart: well-formed, one pair of bars per month, bars to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from launcher.chart import BAR_WIDTH, ChartPoint, nice_ceiling, render_chart

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str, kind: str) -> list[ET.Element]:
    return [r for r in ET.fromstring(svg).iter(f"{SVG}rect") if r.get("class") == kind]


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (7, 10), (10, 10), (11, 20), (150, 200), (480, 500)]
)
def test_the_axis_ends_at_a_round_number(value: int, ceiling: int) -> None:
    assert nice_ceiling(value) == ceiling


def test_one_offered_and_one_sold_bar_per_month_to_scale() -> None:
    svg = render_chart([ChartPoint("month 1", 200, 100), ChartPoint("month 2", 150, 150)])

    offered, sold = bars(svg, "offered"), bars(svg, "sold")
    assert len(offered) == len(sold) == 2
    heights = [float(b.get("height", "0")) for b in (*offered, *sold)]
    # 200 is the axis top, so the bars are 1, 0.75, 0.5 and 0.75 of the plot height.
    assert heights[0] == pytest.approx(2 * heights[2], abs=0.1)
    assert heights[1] == pytest.approx(heights[3], abs=0.1)
    assert all(float(b.get("width", "0")) == BAR_WIDTH for b in (*offered, *sold))
    # Every bar stands on the same baseline.
    bottoms = {round(float(b.get("y", "0")) + float(b.get("height", "0")), 1) for b in (*offered, *sold)}
    assert len(bottoms) == 1


def test_labels_values_and_legend_are_text() -> None:
    svg = render_chart([ChartPoint("month <1> & co", 1234, 567)], title="Stock & sales")

    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "Stock & sales" in texts
    assert "month <1> & co" in texts
    assert {"1,234", "567", "offered", "sold"} <= set(texts)


def test_an_empty_run_still_draws_a_valid_chart() -> None:
    svg = render_chart([])

    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert bars(svg, "offered") == []
