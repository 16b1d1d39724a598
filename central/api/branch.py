"""BranchService: the sales stream, day-end reports and inventory reports of branch stores."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from datetime import datetime
from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from central.api.report import ReportServicer
from central.branches import BranchDirectory, BranchReports, DailyReports, InventoryBoard, SalesLedger
from central.branches.model import DailyReport, InventoryItem, LowStockAlert, Sale, SaleItem
from central.service.accounts import Accounts
from generated.distribution.v1 import branch_pb2, branch_pb2_grpc, report_pb2, report_pb2_grpc
from nodekit.db.writer import WriteQueue
from nodekit.guard import principal
from nodekit.observability.carried import CarriedSpans, carried_spans
from nodekit.timestamps import from_timestamp

PAYMENT_METHODS = {
    branch_pb2.PAYMENT_METHOD_CASH: "cash",
    branch_pb2.PAYMENT_METHOD_DEBIT: "debit",
    branch_pb2.PAYMENT_METHOD_CREDIT: "credit",
    branch_pb2.PAYMENT_METHOD_MOBILE: "mobile",
}

BRANCH_SERVICE_NAMES = (
    branch_pb2.DESCRIPTOR.services_by_name["BranchService"].full_name,
    report_pb2.DESCRIPTOR.services_by_name["ReportService"].full_name,
)


def to_sale(message: branch_pb2.SaleTransaction) -> Sale:
    """The domain sale of a streamed transaction (validated by the ledger)."""
    return Sale(
        transaction_id=message.transaction_id,
        sequence=message.sequence,
        occurred_at=from_timestamp(message.occurred_at, "sale time"),
        business_day=message.business_day,
        items=tuple(SaleItem(item.product, item.quantity, item.unit_price_cents) for item in message.items),
        subtotal_cents=message.subtotal_cents,
        tax_cents=message.tax_cents,
        total_cents=message.total_cents,
        payment_method=PAYMENT_METHODS.get(message.payment_method, ""),
        customer_name=message.customer_name,
    )


async def _sales(requests: AsyncIterable[branch_pb2.StreamSalesRequest]) -> AsyncIterator[Sale]:
    async for request in requests:
        yield to_sale(request.sale)


async def _traced_sales(
    requests: AsyncIterable[branch_pb2.StreamSalesRequest], spans: CarriedSpans
) -> AsyncIterator[Sale]:
    """The sales, each continuing the branch's trace until its ack (tracing on only)."""
    async for request in requests:
        transaction_id = request.sale.transaction_id
        spans.arrived(transaction_id, request.sale.trace_parent)
        yield to_sale(request.sale)
        # The ledger asks for the next sale once this one is in a run for the next batch.
        spans.queued(transaction_id)


class BranchServicer(branch_pb2_grpc.BranchServiceServicer):
    """Parses, checks the tenant, calls one use case, answers."""

    def __init__(
        self,
        directory: BranchDirectory,
        ledger: SalesLedger,
        daily: DailyReports,
        board: InventoryBoard,
    ) -> None:
        self._directory = directory
        self._ledger = ledger
        self._daily = daily
        self._board = board

    async def StreamSales(
        self,
        request_iterator: AsyncIterable[branch_pb2.StreamSalesRequest],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> AsyncIterator[branch_pb2.StreamSalesResponse]:
        branch_id = self._directory.caller_branch(principal())
        spans = carried_spans("central sale")
        sales = _sales(request_iterator) if spans is None else _traced_sales(request_iterator, spans)
        try:
            async for event in self._ledger.stream(branch_id, sales):
                if isinstance(event, int):
                    yield branch_pb2.StreamSalesResponse(resume=branch_pb2.SalesResume(last_sequence=event))
                    continue
                if spans is not None:
                    for ack in event:
                        spans.acked(ack.transaction_id)
                yield branch_pb2.StreamSalesResponse(
                    acks=branch_pb2.SaleAcks(
                        acks=[
                            branch_pb2.SaleAck(
                                sequence=ack.sequence,
                                transaction_id=ack.transaction_id,
                                duplicate=ack.duplicate,
                            )
                            for ack in event
                        ]
                    )
                )
        finally:
            if spans is not None:
                spans.close()

    async def SubmitDailyReport(
        self, request: branch_pb2.SubmitDailyReportRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> branch_pb2.SubmitDailyReportResponse:
        branch_id = self._directory.tenant(principal(), request.branch_name)
        receipt = await self._daily.submit(
            branch_id,
            DailyReport(
                request.branch_name,
                request.business_day,
                request.revenue_cents,
                request.loss_cents,
                request.transaction_count,
            ),
        )
        return branch_pb2.SubmitDailyReportResponse(
            created=receipt.created,
            streamed_revenue_cents=receipt.streamed_revenue_cents,
            flagged=receipt.flagged,
        )

    async def ReportInventory(
        self, request: branch_pb2.ReportInventoryRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> branch_pb2.ReportInventoryResponse:
        branch_id = self._directory.tenant(principal(), request.branch_name)
        items = [
            InventoryItem(item.product, item.quantity, item.unit_cost_cents, item.reorder_point)
            for item in request.items
        ]
        alerts = [
            LowStockAlert(
                alert.product,
                alert.quantity,
                alert.reorder_point,
                from_timestamp(alert.raised_at, "alert time"),
            )
            for alert in request.open_alerts
        ]
        await self._board.replace(branch_id, items, alerts)
        return branch_pb2.ReportInventoryResponse()


async def install_branch_stores(
    engine: AsyncEngine,
    writer: WriteQueue,
    clock: Callable[[], datetime],
    branch_keys: Mapping[str, str],
    accounts: Accounts,
    server: grpc.aio.Server,
) -> None:
    """Loads the configured branches and adds BranchService and ReportService to ``server``."""
    directory = BranchDirectory(writer, clock, branch_keys, accounts)
    await directory.load_configured()
    branch_pb2_grpc.add_BranchServiceServicer_to_server(
        BranchServicer(
            directory,
            SalesLedger(engine, writer, clock),
            DailyReports(writer, clock),
            InventoryBoard(writer, clock),
        ),
        server,
    )
    report_pb2_grpc.add_ReportServiceServicer_to_server(ReportServicer(BranchReports(engine)), server)
