"""Stock line arithmetic and the in-memory admission that backs fast rejects."""

from __future__ import annotations

import pytest

from central.domain.stock import StockLine, check_invariant
from nodekit.errors import DomainError, ErrorKind


def _line(offered: int = 10) -> StockLine:
    return StockLine(1, 1, 1, "Acme", "bolts", 250, offered)


def test_available_is_offered_minus_reserved_minus_sold() -> None:
    line = _line()
    line.settle(claimed=0, reserved=3)
    line.settle(claimed=0, reserved=-1, sold=1)
    assert (line.reserved, line.sold, line.available) == (2, 1, 7)


def test_admit_counts_in_flight_claims() -> None:
    line = _line(5)
    line.admit(3)
    assert line.admissible == 2
    with pytest.raises(DomainError) as refused:
        line.admit(3)
    assert refused.value.kind is ErrorKind.FAILED_PRECONDITION
    assert refused.value.reason == "INSUFFICIENT_STOCK"
    assert refused.value.metadata == {"product": "bolts", "requested": "3", "available": "2"}


def test_settle_turns_claim_into_reservation() -> None:
    line = _line(5)
    line.admit(2)
    line.settle(claimed=2, reserved=2)
    assert (line.pending, line.reserved, line.admissible) == (0, 2, 3)


def test_failed_claim_is_given_back() -> None:
    line = _line(5)
    line.admit(5)
    line.settle(claimed=5)
    assert line.admissible == 5


@pytest.mark.parametrize(("offered", "reserved", "sold"), [(5, -1, 0), (5, 0, -1), (5, 3, 3)])
def test_invariant_violations_are_caught(offered: int, reserved: int, sold: int) -> None:
    with pytest.raises(AssertionError):
        check_invariant(offered, reserved, sold)


def test_settle_refuses_to_oversell() -> None:
    line = _line(2)
    with pytest.raises(AssertionError):
        line.settle(claimed=0, sold=3)
