"""Timestamp conversions agree with protobuf's own, to the microsecond, on both sides of 1970."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

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
