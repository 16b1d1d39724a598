"""Driving the months: the operator client of the central, the month driver and the polls that follow it."""

from __future__ import annotations

from launcher.months.central_client import POLL_INTERVAL_S, OperatorClient
from launcher.months.centrals_health import follow_centrals
from launcher.months.driver import CLOSE_GRACE_S, REPORTS_TIMEOUT_S, MonthPlan, OperatorCalls, run_month
from launcher.months.feed import follow_central
from launcher.months.progress import LiveProgress
from launcher.months.watch import MonthWatch

__all__ = [
    "CLOSE_GRACE_S",
    "POLL_INTERVAL_S",
    "REPORTS_TIMEOUT_S",
    "LiveProgress",
    "MonthPlan",
    "MonthWatch",
    "OperatorCalls",
    "OperatorClient",
    "follow_central",
    "follow_centrals",
    "run_month",
]
