"""Timestamp conversions agree with protobuf's own, to the microsecond, on both sides of 1970."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from nodekit.errors import DomainError, ErrorKind
from nodekit.timestamps import from_timestamp, to_timestamp

MOMENTS = [
    datetime(1969, 7, 20, 20, 17, 40, 999999, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(2026, 11, 21, 23, 59, 59, 1, tzinfo=UTC),
    datetime(2030, 1, 1, 5, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_round_trip_matches_protobuf(moment: datetime) -> None:
    expected = Timestamp()
    expected.FromDatetime(moment)
    assert to_timestamp(moment) == expected
    assert from_timestamp(expected) == expected.ToDatetime(tzinfo=UTC) == moment


def test_naive_is_utc_and_none_stays_none() -> None:
    naive = datetime(2026, 11, 21, 12, 0)
    assert to_timestamp(naive) == to_timestamp(naive.replace(tzinfo=UTC))
    assert to_timestamp(None) is None


@pytest.mark.parametrize(
    ("seconds", "nanos"),
    [(2**62, 0), (-(2**62), 0), (253_402_300_800, 0), (-62_135_596_801, 0), (0, -1), (0, 1_000_000_000)],
)
def test_out_of_range_is_invalid_argument(seconds: int, nanos: int) -> None:
    with pytest.raises(DomainError) as raised:
        from_timestamp(Timestamp(seconds=seconds, nanos=nanos), "sale time")
    assert (raised.value.kind, raised.value.reason) == (ErrorKind.INVALID_ARGUMENT, "BAD_TIMESTAMP")
    assert "sale time" in raised.value.message


def test_the_ends_of_the_range_convert() -> None:
    assert from_timestamp(Timestamp(seconds=-62_135_596_800)) == datetime(1, 1, 1, tzinfo=UTC)
    last = from_timestamp(Timestamp(seconds=253_402_300_799, nanos=999_999_999))
    assert last == datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
