"""Canadian sales tax by province: GST/HST plus provincial sales tax, in thousandths of a percent."""

from __future__ import annotations

# Combined rates (GST 5% + PST/QST, or HST) in units of 0.001 %, so QC's 14.975 % stays exact.
RATES_MILLI_PERCENT: dict[str, int] = {
    "AB": 5_000,
    "BC": 12_000,
    "MB": 12_000,
    "NB": 15_000,
    "NL": 15_000,
    "NS": 14_000,
    "NT": 5_000,
    "NU": 5_000,
    "ON": 13_000,
    "PE": 15_000,
    "QC": 14_975,
    "SK": 11_000,
    "YT": 5_000,
}
_SCALE = 100_000


def province(code: str) -> str:
    """The upper-case two-letter code, if it is a Canadian province or territory."""
    upper = code.strip().upper()
    if upper not in RATES_MILLI_PERCENT:
        known = ", ".join(sorted(RATES_MILLI_PERCENT))
        raise ValueError(f"unknown province {code!r}; one of {known}")
    return upper


def tax_cents(subtotal_cents: int, province_code: str) -> int:
    """Tax on a subtotal, rounded half up to the cent (as a till does)."""
    rate = RATES_MILLI_PERCENT[province(province_code)]
    return (subtotal_cents * rate + _SCALE // 2) // _SCALE
