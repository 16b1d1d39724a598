"""The central's rules for streamed sales and day-end reports."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from central.branches.model import DailyReport, Sale, SaleItem, check_report, check_sale
from nodekit.errors import DomainError, ErrorKind

SALE = Sale(
    "t-1",
    1,
    datetime(2025, 1, 2, tzinfo=UTC),
    "2025-01-02",
    (SaleItem("apple", 2, 150), SaleItem("pear", 1, 200)),
    500,
    65,
    565,
    "cash",
    "Ava",
)


def test_a_sale_that_adds_up_passes() -> None:
    assert check_sale(SALE) is SALE


@pytest.mark.parametrize(
    "change",
    [
        dict(transaction_id=""),
        dict(sequence=0),
        dict(business_day="2025-1-2"),
        dict(items=()),
        dict(subtotal_cents=499),
        dict(total_cents=566),
        dict(tax_cents=-1, total_cents=499),
        dict(payment_method=""),
        dict(items=(SaleItem("apple", 0, 150),)),
    ],
)
def test_a_sale_that_does_not_add_up_is_invalid(change: dict[str, object]) -> None:
    with pytest.raises(DomainError) as caught:
        check_sale(dataclasses.replace(SALE, **change))  # type: ignore[arg-type]
    assert caught.value.kind is ErrorKind.INVALID_ARGUMENT


def test_a_report_with_negative_figures_is_invalid() -> None:
    with pytest.raises(DomainError):
        check_report(DailyReport("north", "2025-01-02", -1, 0, 0))
