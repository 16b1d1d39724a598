"""new_id: UUIDv7 shape, unique, and ordered by the millisecond it was made in."""

from __future__ import annotations

import time
import uuid

import pytest

from nodekit import ids


def test_an_id_is_a_version_7_uuid_in_32_hex_digits() -> None:
    made = ids.new_id()
    assert len(made) == 32 and made == made.lower()
    parsed = uuid.UUID(made)
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)


def test_ids_are_unique_and_start_with_their_millisecond(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([1_700_000_000_123_456_789] * 500 + [1_700_000_000_124_000_000] * 500)
    monkeypatch.setattr(time, "time_ns", lambda: next(clock))
    made = [ids.new_id() for _ in range(1000)]
    assert len(set(made)) == 1000
    assert {int(m[:12], 16) for m in made[:500]} == {1_700_000_000_123}
    # A later millisecond sorts after every id of an earlier one.
    assert max(made[:500]) < min(made[500:])
