"""Helpers for branch tests: bounded polling of a condition, a month with stock, branch settings."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import grpc

from branch_node.settings import BranchSettings
from generated.distribution.v1 import common_pb2, month_pb2, month_pb2_grpc
from nodekit.auth import bearer_metadata


async def assert_eventually(
    check: Callable[[], Awaitable[bool]],
    timeout_s: float = 15.0,
    what: str = "condition",
    interval_s: float = 0.05,
) -> None:
    """Polls ``check`` until it is true; fails the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout_s:.0f}s")
        await asyncio.sleep(interval_s)


async def open_month_with_stock(
    channel: grpc.aio.Channel,
    operator_key: str,
    stock: Mapping[str, tuple[int, int]],
    manufacturer: str = "acme",
) -> int:
    """Opens the next month and offers ``product -> (quantity, unit price)``; returns the month."""
    stub = month_pb2_grpc.MonthServiceStub(channel)
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


def branch_settings(address: str, db_path: Path, **overrides: object) -> BranchSettings:
    """Test settings for branch ``north`` (key ``north-key``) with a fast day and no simulator."""
    values: dict[str, object] = dict(
        central=address,
        name="north",
        key="north-key",
        db_path=db_path,
        day_seconds=0.5,
        shoppers_per_day=5,
        simulate=False,
        reorder_point=3,
        reorder_quantity=10,
    )
    values.update(overrides)
    return BranchSettings(**values)  # type: ignore[arg-type]
