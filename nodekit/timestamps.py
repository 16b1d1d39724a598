"""Timestamp conversions between aware datetimes and protobuf Timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_timestamp(moment: datetime | None) -> Timestamp | None:
    """A Timestamp for ``moment`` (naive values are taken as UTC), or None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Integer arithmetic on the timedelta: exact, and several times faster than FromDatetime.
    since = moment - _EPOCH
    return Timestamp(seconds=since.days * 86_400 + since.seconds, nanos=since.microseconds * 1_000)


def from_timestamp(stamp: Timestamp) -> datetime:
    """An aware UTC datetime for ``stamp`` (to the microsecond)."""
    return _EPOCH + timedelta(seconds=stamp.seconds, microseconds=stamp.nanos // 1_000)


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)
