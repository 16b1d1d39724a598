"""The live dashboard on a terminal: one fixed screen for the whole run, drawn with rich's Live and Layout."""

from __future__ import annotations

import asyncio

from rich.console import Console, ConsoleOptions, RenderResult
from rich.layout import Layout
from rich.live import Live
from rich.panel import Panel

from launcher.screen.board import Board
from launcher.screen.header import HEADER_ROWS, header_panel
from launcher.screen.panels import (
    StockTable,
    TickerView,
    alerts_panel,
    branches_panel,
    links_panel,
    totals_panel,
)

REFRESH_PER_SECOND = 4
TOTALS_WIDTH = 38
# A bordered panel with one row inside.
MIN_PANEL = 3


def build_layout(board: Board, height: int) -> Layout:
    """The whole screen for a terminal ``height`` rows high."""
    footer = max(6, min(11, height // 3))
    layout = Layout()
    layout.split_column(
        Layout(header_panel(board), name="header", size=HEADER_ROWS),
        Layout(name="body", ratio=1),
        Layout(name="footer", size=footer),
    )
    snapshot = board.month.snapshot
    title = f"Stock, month {snapshot.month}" if snapshot else "Stock"
    layout["body"].split_row(
        Layout(Panel(StockTable(snapshot), title=title, title_align="left"), name="stock", ratio=3),
        Layout(name="side", ratio=2),
    )
    # Each side panel keeps at least one row inside its border: on a short terminal the links
    # and branches give up rows (their lists cut) before the alerts panel shrinks to nothing.
    side = height - HEADER_ROWS - footer
    share = max(MIN_PANEL, side // 3)
    layout["side"].split_column(
        Layout(
            Panel(links_panel(board), title="Links", title_align="left"),
            size=min(share, max(MIN_PANEL, len(board.links) + 2)),
        ),
        Layout(
            Panel(branches_panel(board), title="Branches today", title_align="left"),
            size=min(share, max(MIN_PANEL, len(board.cast.branches) + 3)),
        ),
        Layout(
            Panel(alerts_panel(board), title="Low-stock alerts", title_align="left"),
            ratio=1,
            minimum_size=MIN_PANEL,
        ),
    )
    layout["footer"].split_row(
        Layout(Panel(TickerView(board), title="Ticker", title_align="left"), ratio=1),
        Layout(Panel(totals_panel(board), title="Totals so far", title_align="left"), size=TOTALS_WIDTH),
    )
    return layout


class Screen:
    """The dashboard as one renderable, sized to the console at each render (so it follows resizes)."""

    def __init__(self, board: Board) -> None:
        self._board = board

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # One row short of the terminal, so the cursor line never scrolls the screen.
        height = max(12, console.height - 1)
        yield from console.render(build_layout(self._board, height), options.update(height=height))


class Dashboard:
    """Redraws the board in place a few times a second while the run lasts."""

    def _redraw_from_scratch(self) -> None:
        """After a resize: clears the screen, so no row of the old frame's shape is left behind.

        Live moves the cursor up over its last frame by that frame's height; a narrower window
        has rewrapped those rows, so the move lands short and the old top rows stay as stale rows.
        """
        self._live.console.clear()
        # Nothing of the old frame is left to move over (rich keeps its shape in _shape).
        self._live._live_render._shape = None

    def __init__(
        self, board: Board, console: Console, refresh_per_second: float = REFRESH_PER_SECOND
    ) -> None:
        self._board = board
        self._interval_s = 1 / refresh_per_second
        self._live = Live(
            Screen(board),
            console=console,
            auto_refresh=False,
            redirect_stdout=False,
            redirect_stderr=False,
            vertical_overflow="crop",
        )

    async def run(self) -> None:
        """Shows the dashboard until cancelled; the last frame stays on the terminal."""
        self._live.start()
        size = self._live.console.size
        try:
            while True:
                if self._live.console.size != size:
                    size = self._live.console.size
                    self._redraw_from_scratch()
                self._live.refresh()
                await asyncio.sleep(self._interval_s)
        finally:
            self._live.refresh()
            self._live.stop()
