"""Month states, why a month closed, and what each of its lines came to."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class MonthState(enum.Enum):
    """COLLECTING -> OPEN -> CLOSED."""

    COLLECTING = "collecting"
    OPEN = "open"
    CLOSED = "closed"


class CloseReason(enum.Enum):
    """Why a month closed."""

    OPERATOR = "operator"
    SHOPPERS_DONE = "shoppers_done"
    SOLD_OUT = "sold_out"
    DEADLINE = "deadline"


@dataclass(frozen=True, slots=True)
class ProductOutcome:
    """One stock line's result for its month, as the close stores it."""

    manufacturer_id: int
    manufacturer_name: str
    product: str
    offered: int
    sold: int
    revenue_cents: int
    unsold: int
    unmet_demand: int
