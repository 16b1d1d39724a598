"""The run's tempo: how long a month lasts in real seconds and how fast simulated shoppers click."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pace:
    """A named tempo.

    Attributes:
        name: ``brisk``, ``normal`` or ``slow``.
        month_seconds: The month's real length: shoppers spread their buying over it and the
            central closes the month then (or earlier, once every line is sold out).
        think_ms: Longest pause of a simulated shopper between two calls.
    """

    name: str
    month_seconds: int
    think_ms: int


PACES: dict[str, Pace] = {
    # Short months for tests and quick looks.
    "brisk": Pace("brisk", 5, 20),
    # The default: three months and the start-up stay under a minute.
    "normal": Pace("normal", 12, 100),
    # A lecture's tempo: a minute a month, shoppers who take their time.
    "slow": Pace("slow", 60, 600),
}
DEFAULT_PACE = "normal"


def pace_for(name: str, month_seconds: int | None = None) -> Pace:
    """The named pace, with its month length replaced by ``month_seconds`` when given.

    Raises:
        KeyError: For an unknown name.
    """
    pace = PACES[name]
    if month_seconds is None:
        return pace
    return Pace(pace.name, month_seconds, pace.think_ms)
