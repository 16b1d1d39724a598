"""Below every room: what the launcher saw of the run, the faults it caused, the pace, the join card."""

from __future__ import annotations

from launcher.records.addresses import (
    LOOPBACK,
    HostError,
    dial_host,
    is_loopback,
    resolve_host,
    shown_host,
    url_host,
)
from launcher.records.faults import FaultRecord
from launcher.records.formatting import after, clock_time, fit, markdown_table, percent, table
from launcher.records.from_client import alert_figures, month_figures
from launcher.records.join import JOIN_CARD_ENV, JOIN_FILE, OPERATOR_KEY_ENV, JoinInfo, console_script
from launcher.records.names import CENTRAL_SLUG, central_label, central_slug
from launcher.records.outage import CHAOS, Outage
from launcher.records.pace import DEFAULT_PACE, PACES, Pace, pace_for
from launcher.records.rate import RateMeter
from launcher.records.snapshots import (
    AlertSeen,
    BranchAlertFigures,
    BranchDay,
    LineFigures,
    MakerOutcome,
    MonthFigures,
    MonthPhase,
    MonthRecord,
    ProductOutcome,
    Sellout,
    Totals,
    compute_totals,
    pending,
    production_gap,
    tally_by_manufacturer,
)

__all__ = [
    "CENTRAL_SLUG",
    "CHAOS",
    "DEFAULT_PACE",
    "JOIN_CARD_ENV",
    "JOIN_FILE",
    "LOOPBACK",
    "OPERATOR_KEY_ENV",
    "PACES",
    "AlertSeen",
    "BranchAlertFigures",
    "BranchDay",
    "FaultRecord",
    "HostError",
    "JoinInfo",
    "LineFigures",
    "MakerOutcome",
    "MonthFigures",
    "MonthPhase",
    "MonthRecord",
    "Outage",
    "Pace",
    "ProductOutcome",
    "RateMeter",
    "Sellout",
    "Totals",
    "after",
    "alert_figures",
    "central_label",
    "central_slug",
    "clock_time",
    "compute_totals",
    "console_script",
    "dial_host",
    "fit",
    "is_loopback",
    "markdown_table",
    "month_figures",
    "pace_for",
    "pending",
    "percent",
    "production_gap",
    "resolve_host",
    "shown_host",
    "table",
    "tally_by_manufacturer",
    "url_host",
]
