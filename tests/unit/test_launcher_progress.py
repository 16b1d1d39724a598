"""The run's live view: the board's events, the dashboard's screen at 100x30, plain lines otherwise."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from distribution_client import ManufacturerInfo
from launcher.records.faults import FaultRecord
from launcher.records.join import JoinInfo
from launcher.records.rate import RateMeter
from launcher.records.snapshots import BranchAlertFigures, LineFigures, MonthFigures, MonthPhase
from launcher.screen.board import Board, Roster
from launcher.screen.dashboard import Screen
from launcher.screen.panels import stock_bar
from launcher.screen.plain import PlainLog
from launcher.screen.ticker import Kind

ADDRESS = "127.0.0.1:50123"


def snapshot(sold: int, orders: int, reserved: int = 0, hammers_left: int = 100) -> MonthFigures:
    return MonthFigures(
        month=1,
        state=MonthPhase.OPEN,
        stock_lines=(
            LineFigures(1, "Acme Foods", "Acme Apples", 150, 100, reserved, sold, 100 - reserved - sold),
            LineFigures(
                2, "Borealis Tools", "Borealis Hammer", 1200, 100, 0, 100 - hammers_left, hammers_left
            ),
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
        # Two of the cast, the Toronto branch's account, and a person who joined.
        shopper_names=("Ann", "Bob", "branch Toronto", "visitor"),
    )


def links(*pending: tuple[str, bool, int]) -> list[ManufacturerInfo]:
    return [
        ManufacturerInfo(i, name, connected, None, count)
        for i, (name, connected, count) in enumerate(pending)
    ]


def board_in_month() -> Board:
    cast = Roster(
        manufacturers=("Acme Foods", "Borealis Tools"),
        branches=("Toronto",),
        customers=3,
        months=3,
        customer_names=("Ann", "Bob", "Cy"),
    )
    board = Board(cast)
    board.joined(JoinInfo(ADDRESS, Path("/runs/x/operator.key")))
    board.begin(backstop_s=8, expected_shoppers=3)
    board.update(snapshot(sold=0, orders=0), 0.0)
    board.update(snapshot(sold=50, orders=20, reserved=5), 2.0)
    return board


def texts(board: Board, kind: Kind) -> list[str]:
    return [event.text for event in board.ticker.last(100) if event.kind is kind]


def test_rate_meter_measures_over_its_window() -> None:
    meter = RateMeter(window_s=2.0)

    assert meter.add(0.0, 0) == 0.0
    assert meter.add(1.0, 10) == pytest.approx(10.0)
    assert meter.add(2.0, 20) == pytest.approx(10.0)
    # Old samples fall out of the window, so a stall shows at once.
    assert meter.add(4.0, 20) == pytest.approx(0.0)


def test_the_board_follows_the_month_and_its_order_rate() -> None:
    board = board_in_month()

    assert board.month.order_rate == pytest.approx(10.0)
    assert board.month.elapsed_s == 2.0
    assert texts(board, Kind.MONTH) == ["Month 1 open: 200 units offered"]
    totals = board.totals()
    assert (totals.months, totals.orders, totals.sold, totals.offered) == (0, 20, 50, 200)


def test_a_line_sold_out_is_news_once_and_its_maker_told_once_it_acknowledged() -> None:
    board = board_in_month()
    board.links_seen(links(("Acme Foods", True, 0), ("Borealis Tools", True, 0)))

    board.update(snapshot(sold=50, orders=21, hammers_left=0), 2.2)
    board.update(snapshot(sold=50, orders=21, hammers_left=0), 2.4)
    board.links_seen(links(("Acme Foods", True, 0), ("Borealis Tools", True, 1)))
    assert texts(board, Kind.TOLD) == []
    board.links_seen(links(("Acme Foods", True, 0), ("Borealis Tools", True, 0)))

    assert texts(board, Kind.SOLD_OUT) == ["Borealis Hammer (Borealis Tools) sold out"]
    assert texts(board, Kind.TOLD) == ["Borealis Tools told: Borealis Hammer sold out"]


def test_links_lost_and_back_and_reorders_raised_and_filled() -> None:
    board = board_in_month()
    board.links_seen(links(("Acme Foods", False, 0)))  # not connected yet at start: no news
    board.links_seen(links(("Acme Foods", True, 0)))
    board.links_seen(links(("Acme Foods", False, 2)))
    board.links_seen(links(("Acme Foods", True, 0)))
    alert = BranchAlertFigures("Toronto", "Acme Apples", 3, 5, "2030-01-01T00:00:00+00:00")
    board.alerts_seen([alert])
    board.alerts_seen([])

    assert texts(board, Kind.LINK) == ["Acme Foods: link lost", "Acme Foods: link back"]
    assert texts(board, Kind.REORDER) == [
        "Toronto low on Acme Apples (3 <= 5): reorder",
        "Toronto restocked Acme Apples",
    ]


def test_a_fault_and_its_recovery_are_one_record() -> None:
    board = board_in_month()
    at = datetime(2030, 1, 1, tzinfo=UTC)
    fault = FaultRecord(at, "central", "SIGKILL", "central killed", None)

    board.fault(fault)
    board.fault(
        FaultRecord(at, "central", "SIGKILL", "central killed", at.replace(second=2)), "health SERVING"
    )

    assert [f.recovered_at for f in board.faults] == [at.replace(second=2)]
    assert texts(board, Kind.FAULT) == ["SIGKILL central (central killed)"]
    assert texts(board, Kind.RECOVERY) == ["central back after 2.0s: health SERVING"]


def render(board: Board, width: int, height: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, height=height, record=True, color_system=None)
    console.print(Screen(board), end="")
    return console.export_text().splitlines()


def test_the_dashboard_fits_100_by_30_with_the_figures_on_it() -> None:
    board = board_in_month()
    board.links_seen(links(("Acme Foods", True, 0), ("Borealis Tools", False, 1)))

    lines = render(board, 100, 30)
    screen = "\n".join(lines)

    assert len(lines) <= 30
    assert max(len(line) for line in lines) <= 100
    assert lines[0].startswith("Distribution network  Month 1 of 3 OPEN")
    # Every header figure whole: none of the header's rows is cut.
    assert not any(line.rstrip().endswith("\u2026") for line in lines[:5]), "\n".join(lines[:5])
    for figure in ("orders 20 (10.0/s)", "revenue $75.00", "sold 25%", "shoppers done 1/3"):
        assert figure in lines[1], lines[1]
    assert "processes 0, restarted 0" in lines[2]
    assert f"join: distribution-customer shop --central {ADDRESS}" in screen
    assert "…/x/operator.key" in screen
    assert "shoppers by hand: 1 (visitor)" in screen
    for text in ("Acme Foods", "Borealis Tools", "Apples", "Hammer", "Ticker", "Totals so far", "LOST"):
        assert text in screen


def test_at_80_by_24_the_header_is_whole_and_no_panel_collapses() -> None:
    board = board_in_month()
    board.links_seen(links(("Acme Foods", True, 0), ("Borealis Tools", False, 1)))

    lines = render(board, 80, 24)
    screen = "\n".join(lines)

    assert len(lines) <= 24 and max(len(line) for line in lines) <= 80
    for row in lines[:4]:
        assert not row.rstrip().endswith("\u2026"), "\n".join(lines[:5])
    for title in ("Stock, month 1", "Links", "Branches today", "Low-stock alerts", "Ticker", "Totals so far"):
        assert title in screen, screen
    # The low-stock panel keeps a row of its own under its title.
    below = lines[next(i for i, line in enumerate(lines) if "Low-stock alerts" in line) + 1]
    assert "none open" in below, screen


def test_a_paused_month_says_so_in_the_header_and_its_clock_stands_still() -> None:
    board = board_in_month()
    paused = dataclasses.replace(snapshot(sold=50, orders=20), paused=True, paused_ms=3000)
    board.update(paused, 2.0)  # 5 s since it opened, 3 of them paused

    header = render(board, 120, 30)[0]

    assert "Month 1 of 3 OPEN PAUSED" in header
    assert " 2.0s/8s" in header
    running = render(board_in_month(), 120, 30)[0]
    assert "PAUSED" not in running


def test_the_dashboard_follows_the_console_size() -> None:
    board = board_in_month()

    small, large = render(board, 80, 24), render(board, 140, 40)

    assert len(small) <= 24 and max(map(len, small)) <= 80
    assert len(large) > len(small) and max(map(len, large)) > 100


def test_a_stock_bar_shows_sold_reserved_and_available() -> None:
    bar = stock_bar(offered=10, reserved=2, sold=5, width=10)

    assert bar.plain == "\u2588" * 7 + "\u2591" * 3
    assert stock_bar(0, 0, 0, width=4).plain == "----"


def test_plain_lines_are_only_faults_and_recoveries_without_escape_codes() -> None:
    out = io.StringIO()
    board = Board()
    board.listen(PlainLog(out))
    board.begin(backstop_s=8, expected_shoppers=2)
    for tick in range(10):
        board.update(snapshot(sold=tick, orders=tick, hammers_left=9 - tick), tick * 0.2)
    assert out.getvalue() == ""

    at = datetime(2030, 1, 1, tzinfo=UTC)
    board.fault(FaultRecord(at, "Toronto", "SIGKILL", "branch killed", None))

    assert out.getvalue().endswith("fault: SIGKILL Toronto (branch killed)\n")
    assert "\x1b" not in out.getvalue()


def test_a_fault_stays_pinned_above_routine_news_and_restocks_are_folded() -> None:
    board = board_in_month()
    at = datetime(2030, 1, 1, tzinfo=UTC)
    board.fault(FaultRecord(at, "manufacturer Acme Foods", "SIGKILL", "lecturer kill", None))
    for index in range(40):
        board.event(Kind.REORDER, f"Toronto restocked product {index}")
    board.event(Kind.SOLD_OUT, "Apples (Acme Foods) sold out")

    screen = "\n".join(render(board, 100, 30))

    assert "SIGKILL manufacturer Acme Foods" in screen, screen
    assert "40 restocks/reorders, last: Toronto" in screen, screen
    assert "Apples (Acme Foods) sold out" in screen
