"""The dashboard's panels, each a rich renderable of one part of the board."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, JustifyMethod, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from launcher.records.formatting import percent
from launcher.records.snapshots import LineFigures, MonthFigures, tally_by_manufacturer
from launcher.screen.board import Board
from launcher.screen.ticker import Kind, TickerEvent
from nodekit.money import format_cents

BAR_WIDTH = 12
KIND_STYLES = {
    Kind.MONTH: "bold cyan",
    Kind.SOLD_OUT: "yellow",
    Kind.TOLD: "green",
    Kind.REORDER: "magenta",
    Kind.LINK: "blue",
    Kind.FAULT: "bold red",
    Kind.RECOVERY: "bold green",
    Kind.WARNING: "red",
}


def stock_bar(offered: int, reserved: int, sold: int, width: int = BAR_WIDTH) -> Text:
    """Sold (green), in carts (yellow) and still on sale (dim) as one bar of ``width`` cells."""
    if offered <= 0:
        return Text("-" * width, style="dim")
    sold_cells = round(width * min(sold, offered) / offered)
    reserved_cells = min(width - sold_cells, round(width * max(0, reserved) / offered))
    bar = Text("\u2588" * sold_cells, style="green")
    bar.append("\u2588" * reserved_cells, style="yellow")
    bar.append("\u2591" * (width - sold_cells - reserved_cells), style="dim")
    return bar


class StockTable:
    """Offered, reserved and sold per manufacturer and per line, with bars.

    Every manufacturer has its row; their lines follow while they fit, a manufacturer's lines
    whole or not at all, so a short terminal shows fewer lines rather than a cut table.
    """

    def __init__(self, snapshot: MonthFigures | None) -> None:
        self._snapshot = snapshot

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self._snapshot is None or not self._snapshot.stock_lines:
            yield Text("waiting for the month's offers", style="dim")
            return
        lines = self._snapshot.stock_lines
        makers = tally_by_manufacturer(lines)
        room = (options.height or console.height) - 1 - len(makers)
        table = Table(box=None, expand=True, padding=(0, 1), show_edge=False)
        table.add_column("line", ratio=1, no_wrap=True, overflow="ellipsis")
        for header in ("offered", "resv", "sold"):
            table.add_column(header, justify="right", no_wrap=True)
        table.add_column("", width=BAR_WIDTH, no_wrap=True)
        for name, tally in makers.items():
            table.add_row(
                Text(name, style="bold"),
                str(tally.offered),
                str(tally.reserved),
                str(tally.sold),
                stock_bar(tally.offered, tally.reserved, tally.sold),
            )
            own = [x for x in lines if x.manufacturer_name == name]
            if len(own) <= room:
                room -= len(own)
                for line in own:
                    table.add_row(*_line_cells(line))
        yield table


def _line_cells(line: LineFigures) -> list[RenderableType]:
    # Products carry their maker's first word ("Acme Soap" of Acme Foods): under the maker it is noise.
    brand = line.manufacturer_name.split(" ", 1)[0] + " "
    label = Text(f" {line.product.removeprefix(brand)}", style="red" if line.available == 0 else "")
    return [
        label,
        str(line.offered),
        str(line.reserved),
        str(line.sold),
        stock_bar(line.offered, line.reserved, line.sold),
    ]


def links_panel(board: Board) -> RenderableType:
    """Each manufacturer's link and its notices not acknowledged yet."""
    if not board.links:
        return Text("no poll yet", style="dim")
    rows = Text()
    for index, link in enumerate(board.links.values()):
        if index:
            rows.append("\n")
        rows.append("\u25cf " if link.connected else "\u25cb ", style="green" if link.connected else "red")
        rows.append(f"{link.name:<18}")
        rows.append(
            " connected" if link.connected else " LOST", style="green" if link.connected else "bold red"
        )
        if link.pending_notifications:
            rows.append(f"  {link.pending_notifications} to tell", style="yellow")
    rows.no_wrap = True
    return rows


def branches_panel(board: Board) -> RenderableType:
    """Each branch's current day: streamed revenue and sales."""
    today = board.today()
    if not today:
        return Text("no sales streamed yet" if board.cast.branches else "no branches", style="dim")
    table = Table(box=None, expand=True, padding=(0, 1), show_edge=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("branch", "left"),
        ("day", "left"),
        ("revenue", "right"),
        ("sales", "right"),
    )
    for header, justify in columns:
        table.add_column(header, justify=justify, no_wrap=True, overflow="ellipsis")
    for day in today:
        table.add_row(
            day.branch_name,
            day.business_day[5:],  # MM-DD: the year is the same for every row
            format_cents(day.streamed_revenue_cents),
            str(day.transaction_count),
        )
    return table


def alerts_panel(board: Board) -> RenderableType:
    """The open low-stock alerts."""
    if not board.alerts:
        return Text("none open", style="dim")
    return Text(
        "\n".join(f"{a.branch_name}: {a.product} {a.quantity} <= {a.reorder_point}" for a in board.alerts),
        no_wrap=True,
        overflow="ellipsis",
    )


class TickerView:
    """Faults pinned at the top (up to half the rows), then the newest routine news, oldest first."""

    def __init__(self, board: Board) -> None:
        self._board = board

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = options.height or 5
        ticker = self._board.ticker
        pinned = ticker.pinned(max(1, rows // 2))
        news = ticker.news(rows - len(pinned))
        if not pinned and not news:
            yield Text("nothing yet", style="dim")
            return
        yield Group(*(_event_text(event, pinned=True) for event in pinned), *(_event_text(e) for e in news))


def _event_text(event: TickerEvent, pinned: bool = False) -> Text:
    text = Text("! " if pinned else "", style="bold red", no_wrap=True, overflow="ellipsis")
    text.append(event.at.strftime("%H:%M:%S "), style="dim")
    text.append(event.text, style=KIND_STYLES.get(event.kind, ""))
    return text


def totals_panel(board: Board) -> RenderableType:
    """The run so far."""
    totals = board.totals()
    recovered = sum(1 for f in board.faults if f.recovered_at is not None)
    rows: Iterable[tuple[str, str]] = (
        ("months closed", f"{totals.months} of {board.cast.months}"),
        ("orders", str(totals.orders)),
        ("revenue", format_cents(totals.revenue_cents)),
        ("sold", f"{totals.sold}/{totals.offered} {percent(totals.sold, totals.offered)}"),
        ("unmet demand", str(totals.unmet_demand)),
        # Streamed as sold; the run's summary also shows what the branches have reported so far.
        ("branch streamed", format_cents(board.branch_revenue_cents())),
        ("faults", f"{len(board.faults)}, {recovered} recovered"),
    )
    table = Table(box=None, show_header=False, padding=(0, 1), show_edge=False)
    table.add_column(style="dim", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    for name, value in rows:
        table.add_row(name, value)
    return table
