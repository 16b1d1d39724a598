"""The month as the central reports it: state, stock lines, results and advice (plain values)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "Advice",
    "ManufacturerInfo",
    "ManufacturerOutcome",
    "MonthState",
    "MonthStatus",
    "OpenedMonth",
    "Priority",
    "ProductOutcome",
    "StockLine",
    "StockUpdate",
]


class MonthState(enum.Enum):
    """A month's state (``UNSPECIFIED`` before any month, or for a state this client does not know)."""

    UNSPECIFIED = "unspecified"
    COLLECTING = "collecting"
    OPEN = "open"
    CLOSED = "closed"


class Priority(enum.Enum):
    """A recommendation's priority, from the product's share of revenue (A highest)."""

    UNSPECIFIED = "unspecified"
    A = "A"
    B = "B"
    C = "C"


@dataclass(frozen=True, slots=True)
class StockLine:
    """One stock line of a month and its counters (available = offered - reserved - sold)."""

    stock_line_id: int
    month: int
    manufacturer_name: str
    product: str
    unit_price_cents: int
    offered: int
    reserved: int
    sold: int
    available: int


@dataclass(frozen=True, slots=True)
class StockUpdate:
    """One message of the catalog stream as an operator reads it: lines with their counters.

    Attributes:
        snapshot: True when ``stock_lines`` is the whole catalog, False when it holds only changes.
        month: Month the lines belong to.
        state: State of that month.
        stock_lines: All lines (snapshot) or the changed ones; ``available == 0`` means gone.
    """

    snapshot: bool
    month: int
    state: MonthState
    stock_lines: tuple[StockLine, ...]


@dataclass(frozen=True, slots=True)
class ProductOutcome:
    """One product's closed month for its manufacturer."""

    product: str
    offered: int
    sold: int
    revenue_cents: int
    unsold: int
    unmet_demand: int


@dataclass(frozen=True, slots=True)
class Advice:
    """What to produce of one product for the next month, and why (demand per day, in thousandths)."""

    product: str
    daily_demand_milli: int
    recommended_quantity: int
    priority: Priority


@dataclass(frozen=True, slots=True)
class ManufacturerOutcome:
    """One manufacturer's results for a closed month and the advice its report carried."""

    manufacturer_name: str
    products: tuple[ProductOutcome, ...]
    advice: tuple[Advice, ...]


@dataclass(frozen=True, slots=True)
class MonthStatus:
    """A month at one moment; month 0 means none was opened yet."""

    month: int
    state: MonthState
    stock_lines: tuple[StockLine, ...]
    order_count: int
    revenue_cents: int
    skipped_manufacturers: tuple[str, ...]
    finished_shoppers: int
    unmet_demand: int
    opened_at: datetime | None
    closed_at: datetime | None
    manufacturer_results: tuple[ManufacturerOutcome, ...]
    close_reason: str
    shopper_names: tuple[str, ...]
    paused: bool
    paused_at: datetime | None
    paused_ms: int
    close_after_seconds: int
    closes_at: datetime | None
    recommendation_horizon_days: int
    recommendation_window: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class OpenedMonth:
    """The answer to opening a month."""

    month: int
    state: MonthState
    offered_manufacturers: tuple[str, ...]
    skipped_manufacturers: tuple[str, ...]
    stock_line_count: int


@dataclass(frozen=True, slots=True)
class ManufacturerInfo:
    """A configured manufacturer and its link to the central."""

    manufacturer_id: int
    name: str
    connected: bool
    last_seen_at: datetime | None
    pending_notifications: int
