"""The dashboard's panels, each a rich renderable of one part of the board."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, JustifyMethod, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from launcher.board import Board
from launcher.formatting import percent
from launcher.join import JOIN_FILE, JoinInfo
from launcher.snapshots import Line, MonthSnapshot, tally_by_manufacturer
from launcher.ticker import Event, Kind
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


def time_bar(elapsed_s: float, backstop_s: float, width: int = BAR_WIDTH) -> Text:
    """How much of the month's time has gone."""
    share = min(1.0, elapsed_s / backstop_s) if backstop_s > 0 else 0.0
    cells = round(width * share)
    return Text("\u2588" * cells, style="cyan").append("\u2591" * (width - cells), style="dim")


def header_panel(board: Board) -> RenderableType:
    """The month and its figures; the central and how to shop; the key file and processes; the web URL."""
    month = board.month
    snapshot = month.snapshot
    title = Text("Distribution network  ", style="bold")
    if snapshot is None:
        done = len(board.records)
        what = "starting" if not done else f"Month {done + 1} of {board.cast.months}: collecting offers"
        title.append(what if done < board.cast.months else "all months done", style="cyan")
    else:
        title.append(f"Month {snapshot.month} of {board.cast.months} ", style="bold cyan")
        title.append(f"{snapshot.state} ", style="green" if snapshot.state == "OPEN" else "yellow")
        if snapshot.paused:
            # The lecturer stopped the month's clock: the bar and the seconds stand still until resumed.
            title.append("PAUSED ", style="bold black on yellow")
        title.append_text(time_bar(month.elapsed_s, month.backstop_s))
        title.append(f" {month.elapsed_s:4.1f}s/{month.backstop_s:.0f}s  ")
        title.append(f"orders {snapshot.order_count} ({month.order_rate:.1f}/s)  ", style="bold")
        title.append(f"revenue {format_cents(snapshot.revenue_cents)}  ")
        title.append(f"shoppers done {snapshot.finished_shoppers}/{month.expected_shoppers}")
    join = board.join
    if len(board.centrals) > 1:
        # Several centrals: one mark each, so the class sees which one is down while the rest sell.
        central = Text("centrals ")
        for address, serving in board.centrals.items():
            central.append(address, style="bold")
            central.append(" \u25cf " if serving else " \u25cb ", style="green" if serving else "red")
        central.append(" ")
    else:
        central = Text("central ")
        central.append(join.address if join else "starting", style="bold")
        up = board.central_up
        central.append(
            "  \u25cf up  " if up else ("  \u25cb down  " if up is False else "  "),
            style="green" if up else "red",
        )
    central.append(f"processes {board.processes}, restarted {board.restarts}", style="dim")
    lines = [title, central]
    if join:
        lines.append(join_line(join))
    key = Text("operator key: ", style="dim")
    key.append(str(join.key_file) if join else "-")
    people = board.by_hand
    key.append(f"   shoppers by hand: {len(people)}" + (f" ({', '.join(people)})" if people else ""))
    lines.append(key)
    for line in lines:
        line.no_wrap = True
        line.overflow = "ellipsis"
    return Group(*lines)


def join_line(join: JoinInfo) -> Text:
    """How the room joins: the web shop's URL first (a phone needs nothing else), then the terminal shop."""
    line = Text("join ", style="bold")
    if join.shop_url:
        line.append(join.shop_url, style="bold cyan").append("  ")
    line.append("terminal: ", style="dim").append(f"distribution-customer shop --central {join.address}")
    where = f"{JOIN_FILE}; dashboard {join.web_url}" if join.web_url else JOIN_FILE
    line.append(f"  ({where})", style="dim")
    return line


def header_height(board: Board) -> int:
    """Rows of ``header_panel``: a third tells the room how to join once the central serves."""
    return 4 if board.join else 3


class StockTable:
    """Offered, reserved and sold per manufacturer and per line, with bars; lines only if they fit."""

    def __init__(self, snapshot: MonthSnapshot | None) -> None:
        self._snapshot = snapshot

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self._snapshot is None or not self._snapshot.stock_lines:
            yield Text("waiting for the month's offers", style="dim")
            return
        lines = self._snapshot.stock_lines
        makers = tally_by_manufacturer(lines)
        room = (options.height or console.height) - 1
        with_lines = len(makers) + len(lines) <= room
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
            if with_lines:
                for line in (x for x in lines if x.manufacturer_name == name):
                    table.add_row(*_line_cells(line))
        yield table


def _line_cells(line: Line) -> list[RenderableType]:
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
    """The newest events that fit, oldest at the top."""

    def __init__(self, board: Board) -> None:
        self._board = board

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        events = self._board.ticker.last(options.height or 5)
        if not events:
            yield Text("nothing yet", style="dim")
            return
        yield Group(*(_event_text(event) for event in events))


def _event_text(event: Event) -> Text:
    text = Text(event.at.strftime("%H:%M:%S "), style="dim", no_wrap=True, overflow="ellipsis")
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
        ("sold", f"{totals.sold}/{totals.offered} ({percent(totals.sold, totals.offered)})"),
        ("unmet demand", str(totals.unmet_demand)),
        ("branch revenue", format_cents(board.branch_revenue_cents())),
        ("faults", f"{len(board.faults)}, {recovered} recovered"),
    )
    table = Table(box=None, show_header=False, padding=(0, 1), show_edge=False)
    table.add_column(style="dim", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    for name, value in rows:
        table.add_row(name, value)
    return table
