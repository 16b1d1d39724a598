"""What the operator command reads from the central, as plain values (no protobuf past this point)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OpenedMonth:
    """The answer to opening a month."""

    month: int
    state: str
    offered_manufacturers: tuple[str, ...]
    skipped_manufacturers: tuple[str, ...]
    stock_line_count: int


@dataclass(frozen=True, slots=True)
class StockLineRow:
    """One stock line of a month with its counters."""

    product: str
    manufacturer: str
    unit_price_cents: int
    offered: int
    reserved: int
    sold: int
    available: int


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One manufacturer's result for one product in a closed month."""

    manufacturer: str
    product: str
    offered: int
    sold: int
    revenue_cents: int
    unsold: int
    unmet_demand: int


@dataclass(frozen=True, slots=True)
class MonthReport:
    """A month's state, counters, lines and (once closed) results; month 0 means none was opened yet."""

    month: int
    state: str
    opened_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    order_count: int
    revenue_cents: int
    finished_shoppers: int
    unmet_demand: int
    skipped_manufacturers: tuple[str, ...]
    stock_lines: tuple[StockLineRow, ...]
    results: tuple[ResultRow, ...]
    paused: bool = False
    closes_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ManufacturerRow:
    """A configured manufacturer and its link."""

    manufacturer_id: int
    name: str
    connected: bool
    last_seen_at: datetime | None
    pending_notifications: int


@dataclass(frozen=True, slots=True)
class BranchDayRow:
    """One branch's figures for one business day."""

    branch: str
    business_day: str
    revenue_cents: int
    loss_cents: int
    streamed_revenue_cents: int
    transaction_count: int
    flagged: bool


@dataclass(frozen=True, slots=True)
class InventoryRow:
    """One branch's inventory at cost."""

    branch: str
    units: int
    value_cents: int


@dataclass(frozen=True, slots=True)
class TopProductRow:
    """A product's sales across the branches."""

    product: str
    units: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class AlertRow:
    """An open low-stock alert of a branch."""

    branch: str
    product: str
    quantity: int
    reorder_point: int
    raised_at: datetime | None
