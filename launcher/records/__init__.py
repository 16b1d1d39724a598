"""The launcher's shared records: what it saw of the run, the faults it caused, the pace; every room's."""

from __future__ import annotations

from launcher.records.faults import FaultRecord
from launcher.records.formatting import after, clock_time, fit, markdown_table, percent, table
from launcher.records.from_proto import alert_figures, branch_day_figures, snapshot
from launcher.records.outage import CHAOS, Outage
from launcher.records.pace import DEFAULT_PACE, PACES, Pace, pace_for
from launcher.records.snapshots import (
    AlertSeen,
    BranchAlertFigures,
    BranchDayFigures,
    LineFigures,
    MakerOutcome,
    MonthPhase,
    MonthRecord,
    MonthSnapshot,
    ProductOutcome,
    Sellout,
    Totals,
    compute_totals,
    production_gap,
    tally_by_manufacturer,
)

__all__ = [
    "CHAOS",
    "DEFAULT_PACE",
    "PACES",
    "AlertSeen",
    "BranchAlertFigures",
    "BranchDayFigures",
    "FaultRecord",
    "LineFigures",
    "MakerOutcome",
    "MonthPhase",
    "MonthRecord",
    "MonthSnapshot",
    "Outage",
    "Pace",
    "ProductOutcome",
    "Sellout",
    "Totals",
    "after",
    "alert_figures",
    "branch_day_figures",
    "clock_time",
    "compute_totals",
    "fit",
    "markdown_table",
    "pace_for",
    "percent",
    "production_gap",
    "snapshot",
    "table",
    "tally_by_manufacturer",
]
