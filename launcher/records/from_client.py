"""The client package's records (MonthStatus, alerts) as the launcher's JSON-ready records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from distribution_client import BranchAlert, MonthStatus
from launcher.records.snapshots import (
    AdviceFigures,
    BranchAlertFigures,
    LineFigures,
    MakerOutcome,
    MonthFigures,
    MonthPhase,
)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def month_figures(status: MonthStatus) -> MonthFigures:
    """A month's status as the report keeps it: times as ISO-8601 text, states by name (``OPEN``)."""
    return MonthFigures(
        month=status.month,
        state=MonthPhase[status.state.name],
        stock_lines=tuple(
            LineFigures(
                stock_line_id=s.stock_line_id,
                manufacturer_name=s.manufacturer_name,
                product=s.product,
                unit_price_cents=s.unit_price_cents,
                offered=s.offered,
                reserved=s.reserved,
                sold=s.sold,
                available=s.available,
            )
            for s in status.stock_lines
        ),
        order_count=status.order_count,
        revenue_cents=status.revenue_cents,
        skipped_manufacturers=status.skipped_manufacturers,
        finished_shoppers=status.finished_shoppers,
        unmet_demand=status.unmet_demand,
        opened_at=_iso(status.opened_at),
        closed_at=_iso(status.closed_at),
        manufacturer_results=tuple(
            MakerOutcome(
                manufacturer_name=m.manufacturer_name,
                products=m.products,
                advice=tuple(
                    AdviceFigures(
                        product=a.product,
                        recommended_quantity=a.recommended_quantity,
                        priority=a.priority.name,
                        daily_demand_milli=a.daily_demand_milli,
                    )
                    for a in m.advice
                ),
            )
            for m in status.manufacturer_results
        ),
        close_reason=status.close_reason,
        shopper_names=status.shopper_names,
        recommendation_horizon_days=status.recommendation_horizon_days,
        recommendation_window=status.recommendation_window,
        paused=status.paused,
        paused_ms=status.paused_ms,
    )


def alert_figures(alerts: Iterable[BranchAlert]) -> tuple[BranchAlertFigures, ...]:
    """ListLowStockAlerts' rows."""
    return tuple(
        BranchAlertFigures(
            branch_name=a.branch_name,
            product=a.alert.product,
            quantity=a.alert.quantity,
            reorder_point=a.alert.reorder_point,
            raised_at=_iso(a.alert.raised_at),
        )
        for a in alerts
    )
