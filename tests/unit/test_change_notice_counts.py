"""The change notice carries the edges only (lines with nothing left to reserve, with their counters)."""

from __future__ import annotations

import json

from central.domain.stock import Counters
from central.storage.changes import Changes, sender_prefix
from central.storage.feed_news import News

NOTIFY_LIMIT = 8000


def test_only_lines_left_with_nothing_to_reserve_and_new_lines_reach_the_news() -> None:
    changes = Changes()
    changes.lines.add(3)  # created
    changes.counts = {1: (10, 4, 2, 7), 2: (5, 0, 5, 9), 4: (6, 4, 2, 3)}
    news = News()

    for payload in changes.payloads("central-a"):
        news.add(json.loads(payload))

    assert news.lines == {2, 3, 4}
    assert news.counts == {2: Counters(2, 5, 0, 5, 9), 4: Counters(4, 6, 4, 2, 3)}


def test_a_batch_that_only_moved_counters_is_no_news() -> None:
    moved = Changes(counts={1: (10, 4, 2, 7), 2: (5, 1, 3, 9)})
    sold_out = Changes(counts={1: (10, 4, 2, 7), 2: (5, 0, 5, 10)})

    assert not moved.news()
    assert sold_out.news() and sold_out.edges() == {2}
    assert Changes(lines={7}).news() and Changes(month=True).news() and Changes(notices={3}).news()


def test_an_older_notice_never_replaces_newer_counters() -> None:
    news = News()
    news.add({"lines": [1], "counts": [[1, 10, 3, 0, 8]]})
    news.add({"lines": [1], "counts": [[1, 10, 2, 0, 7]]})

    assert news.counts[1] == Counters(1, 10, 3, 0, 8)


def test_many_lines_with_large_counters_stay_under_the_notify_limit() -> None:
    changes = Changes()
    big = 2_000_000_000
    for line_id in range(10_000_000, 10_001_000):
        changes.counts[line_id] = (big, 0, big, big)

    payloads = changes.payloads("c" * 26)

    assert max(len(p.encode()) for p in payloads) < NOTIFY_LIMIT
    news = News()
    for payload in payloads:
        news.add(json.loads(payload))
    assert len(news.counts) == 1000 and news.lines == changes.edges()


def test_every_payload_begins_with_its_senders_prefix() -> None:
    changes = Changes()
    changes.counts = {i: (10, 1, 9, 2) for i in range(300)}

    payloads = changes.payloads('central "a"')

    assert len(payloads) > 1
    assert all(p.startswith(sender_prefix('central "a"')) for p in payloads)
    assert not any(p.startswith(sender_prefix("central")) for p in payloads)
