"""The calls a branch store makes with its key: stream its sales, report its days and shelves."""

from __future__ import annotations

from collections.abc import Iterable

import grpc

from distribution_client.convert import from_proto, from_proto_branch, to_proto
from distribution_client.records import (
    Catalog,
    DayReport,
    DayReportReceipt,
    InventoryItem,
    LowStockAlert,
    Sale,
    SalesReply,
)
from distribution_client.service import CentralService
from distribution_client.stream_write import write_or_raise_end
from generated.distribution.v1 import branch_pb2, catalog_pb2
from nodekit.auth import bearer_metadata, node_metadata

__all__ = ["Branch", "OpenSales", "SalesCall"]

SalesCall = grpc.aio.StreamStreamCall[branch_pb2.StreamSalesRequest, branch_pb2.StreamSalesResponse]


class OpenSales:
    """One sales stream in plain records: ``send`` a ``Sale``, ``receive`` a ``SalesReply``.

    A failed call raises ``grpc.aio.AioRpcError`` with the central's status, or ``StreamEnded``.
    """

    def __init__(self, call: SalesCall) -> None:
        self._call = call

    async def send(self, sale: Sale, trace_parent: str = "") -> None:
        """Streams one sale (``trace_parent``: the branch's span, so the central continues its trace).

        Raises:
            StreamEnded: When the stream ended without a status from the central.
            grpc.aio.AioRpcError: With the status the central ended the stream with.
        """
        await write_or_raise_end(self._call, to_proto.sale_request(sale, trace_parent))

    async def receive(self) -> SalesReply | None:
        """The central's next message (kinds this client does not know are skipped); None at the end."""
        while isinstance(message := await self._call.read(), branch_pb2.StreamSalesResponse):
            record = from_proto_branch.sales_reply(message)
            if record is not None:
                return record
        return None

    def cancel(self) -> None:
        """Ends the stream from this side."""
        self._call.cancel()


class Branch:
    """A branch's calls under its key (its purchases go through a ``Shopper`` with its account's token).

    Args:
        service: The central's services on an open channel.
        key: The branch's configured key.
        name: The name the branch runs under; the central refuses the key under another name.
    """

    def __init__(self, service: CentralService, key: str, name: str = "") -> None:
        self._service = service
        self._metadata = node_metadata(key, name) if name else bearer_metadata(key)

    async def catalog(
        self, product: str = "", *, timeout_s: float | None = None, retry: bool = True
    ) -> Catalog:
        """The lines on sale now (all, or one product's); ``retry=False`` asks once."""
        request = catalog_pb2.ListStockLinesRequest(product=product)
        reply = await self._service.call(
            self._service.catalog.ListStockLines, request, self._metadata, timeout_s=timeout_s, retry=retry
        )
        return from_proto.catalog(reply)

    async def submit_day(self, report: DayReport) -> DayReportReceipt:
        """Sends a day-end report; the same report again is a no-op at the central."""
        reply = await self._service.call(
            self._service.branches.SubmitDailyReport, to_proto.day_report(report), self._metadata
        )
        return from_proto_branch.day_report_receipt(reply)

    async def report_inventory(
        self, branch: str, items: Iterable[InventoryItem], alerts: Iterable[LowStockAlert]
    ) -> None:
        """Replaces the central's picture of the branch's shelves and open alerts."""
        request = to_proto.inventory(branch, items, alerts)
        await self._service.call(self._service.branches.ReportInventory, request, self._metadata)

    def open_sales(self) -> OpenSales:
        """Opens the sales stream (it waits for the central; the caller keeps and reconnects it).

        The central answers first with a ``SalesResume`` (the last sequence it holds), then with
        ``SaleAcks`` after each commit.
        """
        return OpenSales(self.stream_sales())

    def stream_sales(self) -> SalesCall:
        """Opens the sales stream as the wire call (``open_sales`` gives it in records)."""
        return self._service.branches.StreamSales(metadata=self._metadata, wait_for_ready=True)

    @staticmethod
    def sale_message(sale: Sale) -> branch_pb2.StreamSalesRequest:
        """What the stream carries for one sale."""
        return to_proto.sale_request(sale)
