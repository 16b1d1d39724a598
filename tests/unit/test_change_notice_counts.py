"""The change notice carries each line's counters, so the other centrals follow it without reading."""

from __future__ import annotations

import json

from central.domain.stock import Counters
from central.service.feed import News
from central.storage.changes import Changes, sender_prefix

NOTIFY_LIMIT = 8000


def test_the_latest_counters_of_each_line_reach_the_news() -> None:
    changes = Changes()
    changes.lines.update({1, 2, 3})
    changes.counts = {1: (10, 4, 2, 7), 2: (5, 0, 5, 9)}
    news = News()

    for payload in changes.payloads("central-a"):
        news.add(json.loads(payload))

    assert news.lines == {1, 2, 3}
    assert news.counts == {1: Counters(1, 10, 4, 2, 7), 2: Counters(2, 5, 0, 5, 9)}


def test_an_older_notice_never_replaces_newer_counters() -> None:
    news = News()
    news.add({"lines": [1], "counts": [[1, 10, 3, 0, 8]]})
    news.add({"lines": [1], "counts": [[1, 10, 2, 0, 7]]})

    assert news.counts[1] == Counters(1, 10, 3, 0, 8)


def test_many_lines_with_large_counters_stay_under_the_notify_limit() -> None:
    changes = Changes()
    big = 2_000_000_000
    for line_id in range(10_000_000, 10_001_000):
        changes.lines.add(line_id)
        changes.counts[line_id] = (big, big, big, big)

    payloads = changes.payloads("c" * 26)

    assert max(len(p.encode()) for p in payloads) < NOTIFY_LIMIT
    news = News()
    for payload in payloads:
        news.add(json.loads(payload))
    assert len(news.counts) == 1000 and news.lines == changes.lines


def test_every_payload_begins_with_its_senders_prefix() -> None:
    changes = Changes()
    changes.lines.update(range(300))
    changes.counts = {i: (10, 1, 1, 2) for i in range(300)}

    payloads = changes.payloads('central "a"')

    assert len(payloads) > 1
    assert all(p.startswith(sender_prefix('central "a"')) for p in payloads)
    assert not any(p.startswith(sender_prefix("central")) for p in payloads)
