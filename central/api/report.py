"""ReportService: the operator's view of the branch stores."""

from __future__ import annotations

from typing import Any

import grpc

from central.branches import BranchReports
from generated.distribution.v1 import branch_pb2, report_pb2, report_pb2_grpc
from nodekit.timestamps import to_timestamp


class ReportServicer(report_pb2_grpc.ReportServiceServicer):
    """Parses, calls one read model, answers."""

    def __init__(self, reports: BranchReports) -> None:
        self._reports = reports

    async def GetBranchRevenue(
        self, request: report_pb2.GetBranchRevenueRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> report_pb2.GetBranchRevenueResponse:
        days = await self._reports.revenue(request.branch_name)
        return report_pb2.GetBranchRevenueResponse(
            days=[
                report_pb2.BranchDay(
                    branch_name=day.branch_name,
                    business_day=day.business_day,
                    revenue_cents=day.revenue_cents,
                    loss_cents=day.loss_cents,
                    streamed_revenue_cents=day.streamed_revenue_cents,
                    transaction_count=day.transaction_count,
                    flagged=day.flagged,
                )
                for day in days
            ]
        )

    async def GetInventoryValue(
        self, request: report_pb2.GetInventoryValueRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> report_pb2.GetInventoryValueResponse:
        rows = await self._reports.inventory_value()
        return report_pb2.GetInventoryValueResponse(
            branches=[
                report_pb2.BranchInventoryValue(
                    branch_name=row.branch_name, value_cents=row.value_cents, units=row.units
                )
                for row in rows
            ]
        )

    async def ListTopProducts(
        self, request: report_pb2.ListTopProductsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> report_pb2.ListTopProductsResponse:
        rows = await self._reports.top_products(request.limit)
        return report_pb2.ListTopProductsResponse(
            products=[
                report_pb2.TopProduct(product=row.product, units=row.units, revenue_cents=row.revenue_cents)
                for row in rows
            ]
        )

    async def ListLowStockAlerts(
        self, request: report_pb2.ListLowStockAlertsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> report_pb2.ListLowStockAlertsResponse:
        rows = await self._reports.open_alerts()
        return report_pb2.ListLowStockAlertsResponse(
            alerts=[
                report_pb2.BranchAlert(
                    branch_name=row.branch_name,
                    alert=branch_pb2.LowStockAlert(
                        product=row.product,
                        quantity=row.quantity,
                        reorder_point=row.reorder_point,
                        raised_at=to_timestamp(row.raised_at),
                    ),
                )
                for row in rows
            ]
        )
