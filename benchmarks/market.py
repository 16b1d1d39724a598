"""The trading floor a run needs: an open month, one offer of many large lines, customers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from distribution_client.service import CentralService
from generated.distribution.v1 import (
    common_pb2,
    customer_pb2,
    month_pb2,
)
from nodekit.auth import bearer_metadata

Metadata = tuple[tuple[str, str], ...]

MANUFACTURER = "bench-maker"
HOT_PRODUCT = "hot-line"
LINE_QUANTITY = 1_000_000  # the most one offer line may hold
UNIT_PRICE_CENTS = 100
TIMEOUT_S = 30.0
CARD = customer_pb2.PaymentCard(number="4242424242424242", expiry_month=12, expiry_year=2030)


@dataclass(frozen=True)
class Market:
    """Stock line ids and customer metadata a run trades with."""

    month: int
    spread_lines: tuple[int, ...]
    hot_line: int

    @property
    def all_lines(self) -> tuple[int, ...]:
        """Every line of the offer."""
        return (*self.spread_lines, self.hot_line)


async def open_market(channel: grpc.aio.Channel, operator: Metadata, spread_lines: int) -> Market:
    """Opens a month and offers ``spread_lines`` lines plus one hot line, each of 1,000,000 units."""
    months = CentralService(channel).months
    opened = await months.OpenMonth(
        month_pb2.OpenMonthRequest(offer_deadline_ms=1), metadata=operator, timeout=TIMEOUT_S
    )
    products = [f"spread-{i:03d}" for i in range(spread_lines)] + [HOT_PRODUCT]
    offer = await months.SubmitOffer(
        month_pb2.SubmitOfferRequest(
            manufacturer_name=MANUFACTURER,
            month=opened.month,
            lines=[
                common_pb2.OfferLine(product=p, quantity=LINE_QUANTITY, unit_price_cents=UNIT_PRICE_CENTS)
                for p in products
            ],
        ),
        metadata=operator,
        timeout=TIMEOUT_S,
    )
    ids = {line.product: line.stock_line_id for line in offer.stock_lines}
    return Market(
        month=opened.month,
        spread_lines=tuple(ids[p] for p in products[:-1]),
        hot_line=ids[HOT_PRODUCT],
    )


async def register_customers(channel: grpc.aio.Channel, prefix: str, count: int) -> Sequence[Metadata]:
    """Registers ``count`` customers with a valid card; returns each one's call metadata."""
    stub = CentralService(channel).customers

    async def one(index: int) -> Metadata:
        reply = await stub.RegisterCustomer(
            customer_pb2.RegisterCustomerRequest(name=f"{prefix}-{index:04d}", card=CARD),
            timeout=TIMEOUT_S,
        )
        return bearer_metadata(reply.token)

    return await asyncio.gather(*(one(i) for i in range(count)))
