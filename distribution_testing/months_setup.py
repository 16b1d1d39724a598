"""A month with stock offered at prices, as a branch test starts from."""

from __future__ import annotations

from collections.abc import Mapping

import grpc

from distribution_client.service import CentralService
from generated.distribution.v1 import common_pb2, month_pb2
from nodekit.auth import bearer_metadata


async def open_month_with_stock(
    channel: grpc.aio.Channel,
    operator_key: str,
    stock: Mapping[str, tuple[int, int]],
    manufacturer: str = "acme",
) -> int:
    """Opens the next month and offers ``product -> (quantity, unit price)``; returns the month."""
    stub = CentralService(channel).months
    auth = bearer_metadata(operator_key)
    opened = await stub.OpenMonth(
        month_pb2.OpenMonthRequest(offer_deadline_ms=100), metadata=auth, timeout=10
    )
    lines = [
        common_pb2.OfferLine(product=p, quantity=q, unit_price_cents=c) for p, (q, c) in sorted(stock.items())
    ]
    await stub.SubmitOffer(
        month_pb2.SubmitOfferRequest(manufacturer_name=manufacturer, month=opened.month, lines=lines),
        metadata=auth,
        timeout=10,
    )
    return int(opened.month)
