"""Live progress: bars, rates, ANSI redraw on a TTY, plain throttled lines otherwise."""

from __future__ import annotations

import io

import pytest

from launcher.progress import LiveProgress, RateMeter, bar, render_frame, render_plain
from launcher.snapshots import Line, MonthSnapshot


def snapshot(sold: int, orders: int, reserved: int = 0) -> MonthSnapshot:
    return MonthSnapshot(
        month=1,
        state="OPEN",
        stock_lines=(
            Line(1, "Acme Foods", "apples", 150, 100, reserved, sold, 100 - reserved - sold),
            Line(2, "Borealis Tools", "hammer", 1200, 100, 0, 0, 100),
        ),
        order_count=orders,
        revenue_cents=sold * 150,
        skipped_manufacturers=(),
        finished_shoppers=1,
        unmet_demand=0,
        opened_at=None,
        closed_at=None,
        manufacturer_results=(),
        close_reason="",
    )


class TtyBuffer(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [(0.0, "[----]"), (0.5, "[##--]"), (1.0, "[####]"), (2.0, "[####]"), (-1.0, "[----]")],
)
def test_bar(fraction: float, expected: str) -> None:
    assert bar(fraction, width=4) == expected


def test_rate_meter_measures_over_its_window() -> None:
    meter = RateMeter(window_s=2.0)

    assert meter.add(0.0, 0) == 0.0
    assert meter.add(1.0, 10) == pytest.approx(10.0)
    assert meter.add(2.0, 20) == pytest.approx(10.0)
    # Old samples fall out of the window, so a stall shows at once.
    assert meter.add(4.0, 20) == pytest.approx(0.0)


def test_a_frame_has_bars_and_one_row_per_manufacturer() -> None:
    lines = render_frame(
        snapshot(sold=50, orders=20, reserved=5), 4.0, 8.0, 5.0, {"Acme Foods": 12.5}, expected_shoppers=3
    )

    text = "\n".join(lines)
    assert "4.0s/8s" in text
    assert "50/200 units" in text
    assert "orders 20 (5.0/s)" in text
    assert "shoppers done 1/3" in text
    acme = next(line for line in lines if "Acme Foods" in line)
    assert acme.split() == ["Acme", "Foods", "100", "5", "50", "12.5"]
    assert any(line.split()[:2] == ["Borealis", "Tools"] for line in lines)


def test_plain_line() -> None:
    line = render_plain(snapshot(sold=50, orders=20), 2.0, 8.0, 10.0)

    assert line == (
        "month 1 open 2.0s/8s: sold 50/200 (25%), reserved 0, orders 20 (10.0/s), shoppers done 1"
    )


def test_on_a_tty_each_frame_replaces_the_previous_one() -> None:
    out = TtyBuffer()
    view = LiveProgress(out)
    view.begin(backstop_s=8, expected_shoppers=2)

    view.update(snapshot(sold=0, orders=0), 0.0)
    first = out.getvalue()
    view.update(snapshot(sold=10, orders=4), 0.2)
    second = out.getvalue()[len(first) :]

    frame_lines = first.count("\n")
    assert "\x1b[" not in first
    assert second.startswith(f"\x1b[{frame_lines}F\x1b[J")
    assert "\u2588" in second  # a Unicode bar on a UTF-8 terminal
    view.end()
    view.update(snapshot(sold=20, orders=8), 0.4)
    assert not out.getvalue()[len(first) + len(second) :].startswith("\x1b[")


def test_without_a_tty_lines_are_plain_and_at_most_one_per_second() -> None:
    out = io.StringIO()
    view = LiveProgress(out)
    view.begin(backstop_s=8, expected_shoppers=2)

    for tick in range(11):
        view.update(snapshot(sold=tick, orders=tick), tick * 0.2)

    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # at 0.0, 1.0 and 2.0 seconds
    assert "\x1b" not in out.getvalue()


def test_quiet_shows_nothing() -> None:
    out = TtyBuffer()
    view = LiveProgress(out, quiet=True)
    view.begin(backstop_s=8, expected_shoppers=2)

    view.update(snapshot(sold=1, orders=1), 0.5)

    assert out.getvalue() == ""
