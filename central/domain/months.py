"""Month states and the transitions between them."""

from __future__ import annotations

import enum


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
