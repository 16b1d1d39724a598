"""The operator command's answers as rich tables (plain text, no colour codes, when piped)."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from distribution_client import (
    BranchAlert,
    BranchDay,
    InventoryValue,
    ManufacturerInfo,
    MonthStatus,
    OpenedMonth,
    TopProduct,
)
from operator_cli.formats import dollars, local_time, yes_no

_TEXT, _NUMBER = "left", "right"
_GAP = Text("")


def _table(title: str, columns: Sequence[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE, show_edge=False, header_style="bold")
    for header, justify in columns:
        table.add_column(header, justify="right" if justify == _NUMBER else "left")
    return table


def _add(table: Table, *cells: object) -> None:
    # Text cells, so a product called "[bold]" is shown as typed, not read as markup.
    table.add_row(*(Text(str(cell)) for cell in cells))


def _facts(pairs: Sequence[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in pairs:
        grid.add_row(Text(label), Text(value))
    return grid


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "-"


def opened(month: OpenedMonth) -> RenderableType:
    """What opening a month gave: its number, state, offers and skips."""
    return _facts(
        [
            ("Month", f"{month.month} ({month.state.name})"),
            ("Stock lines", str(month.stock_line_count)),
            ("Offers from", _names(month.offered_manufacturers)),
            ("Skipped", _names(month.skipped_manufacturers)),
        ]
    )


def month(report: MonthStatus) -> RenderableType:
    """A month's figures, its stock lines and, once closed, each manufacturer's results."""
    if report.month == 0:
        return Text("No month has been opened yet.")
    facts = [
        ("Month", f"{report.month} ({report.state.name}{', paused' if report.paused else ''})"),
        ("Opened", local_time(report.opened_at)),
        *([("Closes at", local_time(report.closes_at))] if report.closes_at and not report.closed_at else []),
        (
            "Closed",
            local_time(report.closed_at) + (f" ({report.close_reason})" if report.close_reason else ""),
        ),
        ("Orders", f"{report.order_count:,}"),
        ("Revenue", dollars(report.revenue_cents)),
        ("Finished shoppers", f"{report.finished_shoppers:,}"),
        ("Unmet demand", f"{report.unmet_demand:,} units"),
        ("Skipped", _names(report.skipped_manufacturers)),
    ]
    parts: list[RenderableType] = [_facts(facts)]
    lines = _table(
        f"Stock lines of month {report.month}",
        [
            ("Product", _TEXT),
            ("Manufacturer", _TEXT),
            ("Unit price", _NUMBER),
            ("Offered", _NUMBER),
            ("Reserved", _NUMBER),
            ("Sold", _NUMBER),
            ("Available", _NUMBER),
        ],
    )
    for line in report.stock_lines:
        _add(
            lines,
            line.product,
            line.manufacturer_name,
            dollars(line.unit_price_cents),
            f"{line.offered:,}",
            f"{line.reserved:,}",
            f"{line.sold:,}",
            f"{line.available:,}",
        )
    parts += [_GAP, lines if report.stock_lines else Text("No stock lines.")]
    outcomes = [(m.manufacturer_name, p) for m in report.manufacturer_results for p in m.products]
    if outcomes:
        results = _table(
            f"Results of month {report.month}",
            [
                ("Manufacturer", _TEXT),
                ("Product", _TEXT),
                ("Offered", _NUMBER),
                ("Sold", _NUMBER),
                ("Revenue", _NUMBER),
                ("Unsold", _NUMBER),
                ("Unmet demand", _NUMBER),
            ],
        )
        for manufacturer, r in outcomes:
            _add(
                results,
                manufacturer,
                r.product,
                f"{r.offered:,}",
                f"{r.sold:,}",
                dollars(r.revenue_cents),
                f"{r.unsold:,}",
                f"{r.unmet_demand:,}",
            )
        parts += [_GAP, results]
    return Group(*parts)


def manufacturers(rows: Sequence[ManufacturerInfo]) -> RenderableType:
    """The configured manufacturers and their links."""
    if not rows:
        return Text("No manufacturers are configured.")
    table = _table(
        "Manufacturers",
        [
            ("Name", _TEXT),
            ("Id", _NUMBER),
            ("Connected", _TEXT),
            ("Last seen", _TEXT),
            ("Pending notices", _NUMBER),
        ],
    )
    for m in rows:
        _add(
            table,
            m.name,
            m.manufacturer_id,
            yes_no(m.connected),
            local_time(m.last_seen_at),
            m.pending_notifications,
        )
    return table


def branch_revenue(rows: Sequence[BranchDay]) -> RenderableType:
    """Revenue and loss per branch and day; a day whose report disagrees with the stream is flagged."""
    if not rows:
        return Text("No branch has reported a day yet.")
    table = _table(
        "Branch revenue",
        [
            ("Branch", _TEXT),
            ("Day", _TEXT),
            ("Revenue", _NUMBER),
            ("Loss", _NUMBER),
            ("Streamed revenue", _NUMBER),
            ("Transactions", _NUMBER),
            ("Flagged", _TEXT),
        ],
    )
    for d in rows:
        _add(
            table,
            d.branch_name,
            d.business_day,
            dollars(d.revenue_cents),
            dollars(d.loss_cents),
            dollars(d.streamed_revenue_cents),
            f"{d.transaction_count:,}",
            "FLAGGED" if d.flagged else "-",
        )
    return table


def inventory(rows: Sequence[InventoryValue]) -> RenderableType:
    """Each branch's inventory at cost, with the chain's total."""
    if not rows:
        return Text("No branches are configured.")
    table = _table("Inventory value at cost", [("Branch", _TEXT), ("Units", _NUMBER), ("Value", _NUMBER)])
    table.show_footer = True
    for b in rows:
        _add(table, b.branch_name, f"{b.units:,}", dollars(b.value_cents))
    table.columns[0].footer = "Total"
    table.columns[1].footer = f"{sum(b.units for b in rows):,}"
    table.columns[2].footer = dollars(sum(b.value_cents for b in rows))
    return table


def top_products(rows: Sequence[TopProduct]) -> RenderableType:
    """The best sellers, ranked by units."""
    if not rows:
        return Text("No branch sales yet.")
    table = _table(
        "Top products", [("#", _NUMBER), ("Product", _TEXT), ("Units", _NUMBER), ("Revenue", _NUMBER)]
    )
    for rank, p in enumerate(rows, start=1):
        _add(table, rank, p.product, f"{p.units:,}", dollars(p.revenue_cents))
    return table


def low_stock(rows: Sequence[BranchAlert]) -> RenderableType:
    """The open low-stock alerts, oldest first."""
    if not rows:
        return Text("No low-stock alerts are open.")
    table = _table(
        "Open low-stock alerts",
        [
            ("Branch", _TEXT),
            ("Product", _TEXT),
            ("On hand", _NUMBER),
            ("Reorder point", _NUMBER),
            ("Raised", _TEXT),
        ],
    )
    for a in rows:
        alert = a.alert
        _add(
            table,
            a.branch_name,
            alert.product,
            f"{alert.quantity:,}",
            f"{alert.reorder_point:,}",
            local_time(alert.raised_at),
        )
    return table
