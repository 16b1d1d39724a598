"""The dashboard's header: the month's figures, the centrals, how the room joins, the operator's key file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from launcher.records.formatting import percent
from launcher.records.join import JOIN_FILE, JoinInfo
from launcher.records.snapshots import MonthPhase
from launcher.screen.board import Board
from nodekit.money import format_cents

BAR_WIDTH = 12
# Five rows: each holds only what fits in 80 columns whole, so no figure is cut at 80x24 or 100x30.
HEADER_ROWS = 5


def time_bar(elapsed_s: float, backstop_s: float, width: int = BAR_WIDTH) -> Text:
    """How much of the month's time has gone."""
    share = min(1.0, elapsed_s / backstop_s) if backstop_s > 0 else 0.0
    cells = round(width * share)
    return Text("\u2588" * cells, style="cyan").append("\u2591" * (width - cells), style="dim")


def title_line(board: Board) -> Text:
    """The month, its state and its clock."""
    month = board.month
    snapshot = month.snapshot
    title = Text("Distribution network  ", style="bold")
    if snapshot is None:
        done = len(board.records)
        what = "starting" if not done else f"Month {done + 1} of {board.cast.months}: collecting offers"
        return title.append(what if done < board.cast.months else "all months done", style="cyan")
    title.append(f"Month {snapshot.month} of {board.cast.months} ", style="bold cyan")
    title.append(f"{snapshot.state} ", style="green" if snapshot.state is MonthPhase.OPEN else "yellow")
    if snapshot.paused:
        # The lecturer stopped the month's clock: the bar and the seconds stand still until resumed.
        title.append("PAUSED ", style="bold black on yellow")
    title.append_text(time_bar(month.elapsed_s, month.backstop_s))
    return title.append(f" {month.elapsed_s:4.1f}s/{month.backstop_s:.0f}s")


def figures_line(board: Board) -> Text:
    """Orders, revenue, the share sold, shoppers done."""
    month = board.month
    snapshot = month.snapshot
    line = Text()
    if snapshot is not None:
        offered = sum(stock.offered for stock in snapshot.stock_lines)
        sold = sum(stock.sold for stock in snapshot.stock_lines)
        line.append(f"orders {snapshot.order_count} ({month.order_rate:.1f}/s)  ", style="bold")
        line.append(f"revenue {format_cents(snapshot.revenue_cents)}  ")
        line.append(f"sold {percent(sold, offered)}  ")
        line.append(f"shoppers done {snapshot.finished_shoppers}/{month.expected_shoppers}")
    return line


def centrals_line(board: Board) -> Text:
    """Each central and whether it serves; how many processes run."""
    processes = Text(f"  processes {board.processes}, restarted {board.restarts}", style="dim")
    return _centrals(board).append_text(processes)


def _centrals(board: Board) -> Text:
    if len(board.centrals) > 1:
        # Several centrals: one mark each, so the class sees which one is down while the rest sell.
        line = Text("centrals ")
        for address, serving in board.centrals.items():
            line.append(address, style="bold")
            line.append(" \u25cf " if serving else " \u25cb ", style="green" if serving else "red")
        return line
    line = Text("central ")
    line.append(board.join.address if board.join else "starting", style="bold")
    up = board.central_up
    return line.append(
        "  \u25cf up" if up else ("  \u25cb down" if up is False else ""), style="green" if up else "red"
    )


def join_line(join: JoinInfo | None) -> Text:
    """The terminal shop as the room types it (``join.txt`` has the install lines too)."""
    if join is None:
        return Text("join: once the central serves", style="dim")
    line = Text("join: ", style="bold")
    return line.append(f"distribution-customer shop --central {join.address}", style="bold")


@dataclass(frozen=True, slots=True)
class FittedRow:
    """A header row of parts, each shown whole or not at all: the least needed go first when narrow.

    Attributes:
        parts: (rank, text) in the order shown; a higher rank is left out before a lower one.
    """

    parts: Sequence[tuple[int, Text]]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        kept = list(self.parts)
        while len(kept) > 1 and sum(text.cell_len for _, text in kept) > options.max_width:
            kept.remove(max(kept, key=lambda part: part[0]))
        line = Text().join(text for _, text in kept)
        line.rstrip()
        line.no_wrap, line.overflow = True, "ellipsis"
        yield line


def people_line(board: Board) -> FittedRow:
    """The web shop, who shops by hand, the operator's key file (the lecturer's machine only).

    At 100 columns the web shop's URL and the key file come first; the names of the shoppers by
    hand and the pointer to join.txt show when there is room.
    """
    join = board.join
    parts: list[tuple[int, Text]] = []
    if join and join.shop_url:
        parts.append(
            (0, Text("web shop ", style="dim").append(join.shop_url, style="bold cyan").append("  "))
        )
    people = board.by_hand
    parts.append((2, Text(f"shoppers by hand: {len(people)}")))
    if people:
        parts.append((4, Text(f" ({', '.join(people)})")))
    # The run dir's tail is enough to find the file; the full path is in join.txt.
    key = f"\u2026/{join.key_file.parent.name}/{join.key_file.name}" if join else "-"
    parts.append((1, Text("  operator key: ", style="dim").append(key)))
    if join:
        parts.append((3, Text(f"  (all in {JOIN_FILE})", style="dim")))
    return FittedRow(parts)


def header_panel(board: Board) -> RenderableType:
    """The header's rows; each is cut with an ellipsis rather than wrapped (the layout's rows are fixed)."""
    lines = [title_line(board), figures_line(board), centrals_line(board), join_line(board.join)]
    for line in lines:
        line.no_wrap = True
        line.overflow = "ellipsis"
    return Group(*lines, people_line(board))
