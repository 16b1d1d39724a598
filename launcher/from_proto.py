"""Conversion of the central's replies (MonthStatus, branch days, alerts) into the launcher's records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from generated.distribution.v1 import common_pb2, month_pb2, report_pb2
from launcher.snapshots import (
    Advice,
    BranchAlertFigures,
    BranchDayFigures,
    Line,
    MakerOutcome,
    MonthSnapshot,
    ProductOutcome,
)


def state_name(state: int) -> str:
    """``OPEN`` for ``MONTH_STATE_OPEN``."""
    return str(common_pb2.MonthState.Name(state)).removeprefix("MONTH_STATE_")


def _iso(status: month_pb2.MonthStatus, name: str) -> str | None:
    """An ISO-8601 UTC time from a Timestamp field, or None when the field is unset."""
    if not status.HasField(name):
        return None
    moment: datetime = getattr(status, name).ToDatetime(tzinfo=UTC)
    return moment.isoformat()


def snapshot_from_proto(status: month_pb2.MonthStatus) -> MonthSnapshot:
    """Converts a MonthStatus message."""
    return MonthSnapshot(
        month=status.month,
        state=state_name(status.state),
        stock_lines=tuple(
            Line(
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
        skipped_manufacturers=tuple(status.skipped_manufacturers),
        finished_shoppers=status.finished_shoppers,
        unmet_demand=status.unmet_demand,
        opened_at=_iso(status, "opened_at"),
        closed_at=_iso(status, "closed_at"),
        manufacturer_results=tuple(
            MakerOutcome(
                manufacturer_name=m.manufacturer_name,
                products=tuple(
                    ProductOutcome(
                        product=p.product,
                        offered=p.offered,
                        sold=p.sold,
                        revenue_cents=p.revenue_cents,
                        unsold=p.unsold,
                        unmet_demand=p.unmet_demand,
                    )
                    for p in m.results
                ),
                advice=tuple(
                    Advice(
                        product=r.product,
                        recommended_quantity=r.recommended_quantity,
                        priority=str(common_pb2.Priority.Name(r.priority)).removeprefix("PRIORITY_"),
                        daily_demand_milli=r.daily_demand_milli,
                    )
                    for r in m.recommendations
                ),
            )
            for m in status.manufacturer_results
        ),
        close_reason=status.close_reason,
        shopper_names=tuple(status.shopper_names),
        recommendation_horizon_days=status.recommendation_horizon_days,
        recommendation_window=tuple(status.recommendation_window),
        paused=status.paused,
        paused_ms=status.paused_ms,
    )


def branch_days_from_proto(days: Iterable[report_pb2.BranchDay]) -> tuple[BranchDayFigures, ...]:
    """Converts GetBranchRevenue rows."""
    return tuple(
        BranchDayFigures(
            branch_name=d.branch_name,
            business_day=d.business_day,
            revenue_cents=d.revenue_cents,
            loss_cents=d.loss_cents,
            streamed_revenue_cents=d.streamed_revenue_cents,
            transaction_count=d.transaction_count,
            flagged=d.flagged,
        )
        for d in days
    )


def alerts_from_proto(alerts: Iterable[report_pb2.BranchAlert]) -> tuple[BranchAlertFigures, ...]:
    """Converts ListLowStockAlerts rows."""
    return tuple(
        BranchAlertFigures(
            branch_name=a.branch_name,
            product=a.alert.product,
            quantity=a.alert.quantity,
            reorder_point=a.alert.reorder_point,
            raised_at=(
                a.alert.raised_at.ToDatetime(tzinfo=UTC).isoformat()
                if a.alert.HasField("raised_at")
                else None
            ),
        )
        for a in alerts
    )
