"""Every bad input gets its documented status code and a readable message, and changes nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest

from central.testing import RunningCentral
from generated.distribution.v1 import cart_pb2, common_pb2, customer_pb2, month_pb2, order_pb2
from nodekit.auth import bearer_metadata
from tests.helpers import Stubs, add, checkout, fails, open_month_with, register, status

Md = tuple[tuple[str, str], ...]


def _snapshot(rc: RunningCentral) -> tuple[list[tuple[Any, ...]], int, int, int]:
    with sqlite3.connect(rc.db_path) as db:
        lines = db.execute(
            "SELECT stock_line_id, offered, reserved, sold FROM stock_lines ORDER BY 1"
        ).fetchall()
        moves = db.execute("SELECT COUNT(*) FROM stock_movements").fetchone()[0]
        orders = db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
        customers = db.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
    return lines, moves, orders, customers


Case = Callable[[Stubs, Md, int], Awaitable[object]]

CASES: dict[str, tuple[Case, grpc.StatusCode, str]] = {
    "quantity zero": (
        lambda s, md, line: add(s, md, line, 0),
        grpc.StatusCode.INVALID_ARGUMENT,
        "BAD_QUANTITY",
    ),
    "quantity negative": (
        lambda s, md, line: add(s, md, line, -5),
        grpc.StatusCode.INVALID_ARGUMENT,
        "BAD_QUANTITY",
    ),
    "quantity above a million": (
        lambda s, md, line: add(s, md, line, 1_000_001),
        grpc.StatusCode.INVALID_ARGUMENT,
        "BAD_QUANTITY",
    ),
    "more than available": (
        lambda s, md, line: add(s, md, line, 11),
        grpc.StatusCode.FAILED_PRECONDITION,
        "INSUFFICIENT_STOCK",
    ),
    "unknown line": (
        lambda s, md, line: add(s, md, 9999, 1),
        grpc.StatusCode.NOT_FOUND,
        "STOCK_LINE_NOT_FOUND",
    ),
    "negative line id": (
        lambda s, md, line: add(s, md, -1, 1),
        grpc.StatusCode.INVALID_ARGUMENT,
        "BAD_ID",
    ),
    "missing token": (
        lambda s, md, line: add(s, (), line, 1),
        grpc.StatusCode.UNAUTHENTICATED,
        "MISSING_TOKEN",
    ),
    "wrong token": (
        lambda s, md, line: add(s, bearer_metadata("not-a-real-token"), line, 1),
        grpc.StatusCode.UNAUTHENTICATED,
        "UNKNOWN_TOKEN",
    ),
    "empty cart checkout": (
        lambda s, md, line: checkout(s, md, "empty-cart-key"),
        grpc.StatusCode.FAILED_PRECONDITION,
        "EMPTY_CART",
    ),
    "short idempotency key": (
        lambda s, md, line: checkout(s, md, "short"),
        grpc.StatusCode.INVALID_ARGUMENT,
        "BAD_IDEMPOTENCY_KEY",
    ),
    "remove what is not in the cart": (
        lambda s, md, line: s.cart.RemoveCartItem(
            cart_pb2.RemoveCartItemRequest(stock_line_id=line), metadata=md, timeout=5
        ),
        grpc.StatusCode.NOT_FOUND,
        "NOT_IN_CART",
    ),
    "card failing Luhn": (
        lambda s, md, line: s.customers.RegisterCustomer(
            customer_pb2.RegisterCustomerRequest(
                name="eve",
                card=customer_pb2.PaymentCard(number="4242424242424241", expiry_month=1, expiry_year=2040),
            ),
            timeout=5,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "BAD_CARD_NUMBER",
    ),
    "expired card": (
        lambda s, md, line: s.customers.RegisterCustomer(
            customer_pb2.RegisterCustomerRequest(
                name="eve",
                card=customer_pb2.PaymentCard(number="4242424242424242", expiry_month=1, expiry_year=2020),
            ),
            timeout=5,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "CARD_EXPIRED",
    ),
    "empty name": (
        lambda s, md, line: s.customers.RegisterCustomer(
            customer_pb2.RegisterCustomerRequest(name="  "), timeout=5
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "BAD_NAME",
    ),
    "offer with zero quantity": (
        lambda s, md, line: s.months.SubmitOffer(
            month_pb2.SubmitOfferRequest(
                manufacturer_name="Acme",
                month=1,
                lines=[common_pb2.OfferLine(product="x", quantity=0, unit_price_cents=1)],
            ),
            metadata=bearer_metadata("test-operator-key"),
            timeout=5,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "BAD_QUANTITY",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_bad_input_is_refused_and_changes_nothing(rc: RunningCentral, stubs: Stubs, case: str) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 10})
    ann = await register(stubs, "ann")
    before = _snapshot(rc)
    call, code, reason = CASES[case]
    error = await fails(call(stubs, ann, lines["bolts"]))
    assert (error.code, error.reason) == (code, reason)
    assert error.message and "Traceback" not in error.message
    assert _snapshot(rc) == before


async def test_checkout_without_card_is_refused(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 10})
    cardless = await register(stubs, "cara", card=False)
    await add(stubs, cardless, lines["bolts"], 1)
    error = await fails(checkout(stubs, cardless, "no-card-checkout"))
    assert (error.code, error.reason) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "PAYMENT_CARD_REQUIRED",
    )
    assert [line.sold for line in (await status(rc, stubs)).stock_lines] == [0]


async def test_checkout_in_closed_month_is_refused(rc: RunningCentral, stubs: Stubs) -> None:
    lines = await open_month_with(rc, stubs, {"bolts": 10})
    ann = await register(stubs, "ann")
    await add(stubs, ann, lines["bolts"], 1)
    await stubs.months.CloseMonth(
        month_pb2.CloseMonthRequest(month=1), metadata=rc.operator_metadata, timeout=5
    )
    before = _snapshot(rc)
    error = await fails(checkout(stubs, ann, "closed-month-key"))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "MONTH_NOT_OPEN")
    add_error = await fails(add(stubs, ann, lines["bolts"], 1))
    assert add_error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert _snapshot(rc) == before


async def test_unexpected_errors_do_not_leak_python_text(rc: RunningCentral, stubs: Stubs) -> None:
    ann = await register(stubs, "ann")

    async def broken(*_: object) -> object:
        raise RuntimeError("secret internal detail /etc/passwd")

    rc.central.checkout.history = broken  # type: ignore[method-assign, assignment]
    error = await fails(stubs.orders.ListOrders(order_pb2.ListOrdersRequest(), metadata=ann, timeout=5))
    assert error.code == grpc.StatusCode.INTERNAL
    assert "secret" not in error.message and "RuntimeError" not in error.message
