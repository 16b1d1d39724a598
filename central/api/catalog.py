"""CatalogService: list and watch the lines on sale."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc

from central.api.convert import MONTH_STATES, stock_line
from central.service.catalog import Catalog, CatalogFilter
from generated.distribution.v1 import catalog_pb2, catalog_pb2_grpc


class CatalogServicer(catalog_pb2_grpc.CatalogServiceServicer):
    """Parses, calls one use case, answers."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    async def ListStockLines(
        self, request: catalog_pb2.ListStockLinesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> catalog_pb2.ListStockLinesResponse:
        month, state, lines = self._catalog.list(CatalogFilter(request.product, request.manufacturer_name))
        paused, month_seconds = self._catalog.clock()
        return catalog_pb2.ListStockLinesResponse(
            month=month,
            month_state=MONTH_STATES[state],
            stock_lines=[stock_line(line) for line in lines],
            month_paused=paused,
            month_seconds=month_seconds,
        )

    async def WatchCatalog(
        self, request: catalog_pb2.WatchCatalogRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[catalog_pb2.WatchCatalogResponse]:
        where = CatalogFilter(request.product, request.manufacturer_name)
        async for update in self._catalog.watch(where):
            yield catalog_pb2.WatchCatalogResponse(
                snapshot=update.snapshot,
                month=update.month,
                month_state=MONTH_STATES[update.state],
                stock_lines=[stock_line(line) for line in update.lines],
                month_paused=update.paused,
                month_seconds=update.month_seconds,
            )
