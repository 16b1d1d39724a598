"""The charts: PNG beside SVG, projector-sized, valid files, and a chart that says when there is no data."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from launcher.report.chart import NO_DATA, BranchDayBar, MakerMonth, branch_revenue, save, units_and_revenue

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()  # raises if the SVG is not well-formed XML
    assert root.tag == f"{SVG_NS}svg"
    return " ".join(t for t in root.itertext())


POINTS = [
    MakerMonth(month, maker, 100 + month, 80 + month, 5 * month, 12_345 * month)
    for month in (1, 2, 3)
    for maker in ("Acme Foods", "Borealis Tools")
]


def test_units_chart_is_written_as_a_projector_sized_png_and_a_valid_svg(tmp_path: Path) -> None:
    paths = save(units_and_revenue(POINTS), tmp_path / "units")

    assert [p.name for p in paths] == ["units.png", "units.svg"]
    assert png_size(paths[0]) == (1600, 900)
    text = svg_text(paths[1])
    for label in ("month 1", "month 3", "offered", "sold", "unmet demand", "Acme Foods", "Borealis Tools"):
        assert label in text, label


def test_branch_chart_marks_days_not_reported_yet(tmp_path: Path) -> None:
    days = [
        BranchDayBar("Toronto", "2030-01-01", 5_000, pending=False),
        BranchDayBar("Ottawa", "2030-01-01", 7_000, pending=False),
        BranchDayBar("Toronto", "2030-01-02", 1_000, pending=True),
    ]
    png, svg = save(branch_revenue(days), tmp_path / "branches")

    assert png_size(png) == (1600, 900)
    text = svg_text(svg)
    assert "Toronto" in text and "Ottawa" in text and "2030-01-02" in text
    assert "pending" in text


def test_a_run_without_data_gets_charts_that_say_so(tmp_path: Path) -> None:
    for name, figure in (("units", units_and_revenue([])), ("branches", branch_revenue([]))):
        png, svg = save(figure, tmp_path / name)
        assert png_size(png) == (1600, 900)
        assert NO_DATA in svg_text(svg)
