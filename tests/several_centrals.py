"""Several central processes on one PostgreSQL, now in the kit (distribution_testing.several_centrals)."""

from distribution_testing.several_centrals import (
    LOG_TAIL_LINES,
    OPERATOR_KEY,
    SERVING_TIMEOUT_S,
    STOP_TIMEOUT_S,
    CentralProcess,
    Centrals,
    several_centrals,
)

__all__ = [
    "LOG_TAIL_LINES",
    "OPERATOR_KEY",
    "SERVING_TIMEOUT_S",
    "STOP_TIMEOUT_S",
    "CentralProcess",
    "Centrals",
    "several_centrals",
]
