"""Calls and bounds the tests of several centrals on one PostgreSQL share (register, open a month, ledger)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Iterable
from typing import TypeVar

import grpc

from generated.distribution.v1 import (
    cart_pb2,
    catalog_pb2,
    common_pb2,
    customer_pb2,
    month_pb2,
    order_pb2,
)
from nodekit.auth import bearer_metadata
from nodekit.status import from_rpc_error
from tests.helpers import VALID_CARD, Stubs, assert_eventually
from tests.pg_ledger import ledger_violations
from tests.several_centrals import Centrals

Metadata = tuple[tuple[str, str], ...]
T = TypeVar("T")

CALL_S = 10.0
# Another central's committed change is seen within this bound (the specification's).
COHERENT_S = 0.5
# A notice reaches its manufacturer within this bound, wherever the manufacturer is connected.
NOTICE_S = 1.0
# Another central takes the month over within this bound after its owner dies.
TAKEOVER_S = 5.0
KEYS = {"Acme": "acme-several-key", "Bolt": "bolt-several-key"}
OTHER_CARD = customer_pb2.PaymentCard(number="5555 5555 5555 4444", expiry_month=11, expiry_year=2032)


async def register(stubs: Stubs, name: str, card: customer_pb2.PaymentCard = VALID_CARD) -> Metadata:
    reply = await stubs.customers.RegisterCustomer(
        customer_pb2.RegisterCustomerRequest(name=name, card=card), timeout=CALL_S
    )
    return bearer_metadata(reply.token)


async def open_month(
    centrals: Centrals,
    at: int,
    lines: dict[str, int],
    manufacturer: str = "Acme",
    expected_shoppers: int = 0,
    close_after_seconds: int = 0,
) -> tuple[int, dict[str, int]]:
    """Opens the next month at central ``at`` and offers ``lines`` there; (month, product -> line id)."""
    stubs = centrals.stubs(at)
    opened = await stubs.months.OpenMonth(
        month_pb2.OpenMonthRequest(
            offer_deadline_ms=1,
            expected_shoppers=expected_shoppers,
            close_after_seconds=close_after_seconds,
        ),
        metadata=centrals.operator_metadata,
        timeout=CALL_S,
    )
    offer = await stubs.months.SubmitOffer(
        month_pb2.SubmitOfferRequest(
            manufacturer_name=manufacturer,
            month=opened.month,
            lines=[
                common_pb2.OfferLine(product=p, quantity=q, unit_price_cents=250) for p, q in lines.items()
            ],
        ),
        metadata=centrals.operator_metadata,
        timeout=CALL_S,
    )
    return opened.month, {line.product: line.stock_line_id for line in offer.stock_lines}


def add_request(line_id: int, quantity: int = 1) -> cart_pb2.AddCartItemRequest:
    return cart_pb2.AddCartItemRequest(stock_line_id=line_id, quantity=quantity)


def checkout_request(key: str) -> order_pb2.CheckoutRequest:
    # Keys are 8-128 characters: a fixed prefix keeps the short names of the tests valid.
    return order_pb2.CheckoutRequest(idempotency_key=f"several-{key}")


async def in_task(call: Awaitable[T]) -> T:
    """A call object as a coroutine, so it can run as a task."""
    return await call


async def visible_everywhere(centrals: Centrals, month: int, lines: dict[str, int]) -> None:
    """Waits (at most ``COHERENT_S``) until every central's catalog shows ``month`` open with ``lines``."""

    async def shown_at(at: int) -> None:
        listed = await centrals.stubs(at).catalog.ListStockLines(
            catalog_pb2.ListStockLinesRequest(), metadata=centrals.operator_metadata, timeout=CALL_S
        )
        seen = (
            listed.month,
            listed.month_state,
            {line.product: line.stock_line_id for line in listed.stock_lines},
        )
        assert seen == (month, common_pb2.MONTH_STATE_OPEN, lines), f"central {centrals[at].name}"

    for at in range(len(centrals)):
        await assert_eventually(functools.partial(shown_at, at), timeout_s=COHERENT_S)


async def month_status(centrals: Centrals, at: int, month: int = 0) -> month_pb2.MonthStatus:
    reply = await centrals.stubs(at).months.GetMonthStatus(
        month_pb2.GetMonthStatusRequest(month=month), metadata=centrals.operator_metadata, timeout=CALL_S
    )
    status: month_pb2.MonthStatus = reply.status
    return status


async def close_month(centrals: Centrals, at: int, month: int) -> month_pb2.MonthStatus:
    reply = await centrals.stubs(at).months.CloseMonth(
        month_pb2.CloseMonthRequest(month=month), metadata=centrals.operator_metadata, timeout=CALL_S + 20
    )
    status: month_pb2.MonthStatus = reply.status
    return status


async def assert_ledger(centrals: Centrals, acknowledged: Iterable[str] = ()) -> None:
    """The rows hold every safety property; each broken one on its own line otherwise."""
    violations = await ledger_violations(centrals.raw_url, acknowledged)
    assert not violations, "ledger broken:\n" + "\n".join(violations)


async def reason_of(call: object) -> str:
    """``OK`` or the failed call's ``CODE/REASON``."""
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as error:
        return f"{error.code().name}/{from_rpc_error(error).reason}"
    return "OK"
