"""Reservation states: what became of the units a cart line holds."""

from __future__ import annotations

import enum


class ReservationState(enum.Enum):
    """ACTIVE -> EXPIRED (swept, still in the cart) -> RELEASED, ORDERED or DROPPED.

    ACTIVE may also go straight to RELEASED (removed from the cart, month closed),
    ORDERED (checked out) or DROPPED (checked out but its units were gone).
    """

    ACTIVE = "active"
    EXPIRED = "expired"
    RELEASED = "released"
    ORDERED = "ordered"
    DROPPED = "dropped"
