"""Sales tax by province: rates and rounding."""

from __future__ import annotations

import pytest

from branch_node.tax import province, tax_cents


@pytest.mark.parametrize(
    ("code", "subtotal", "tax"),
    [
        ("ON", 10_000, 1_300),
        ("QC", 10_000, 1_498),
        ("BC", 10_000, 1_200),
        ("AB", 10_000, 500),
        ("on", 999, 130),
        ("QC", 0, 0),
    ],
)
def test_tax_by_province_rounds_half_up(code: str, subtotal: int, tax: int) -> None:
    assert tax_cents(subtotal, code) == tax


def test_unknown_province_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown province"):
        province("XX")
