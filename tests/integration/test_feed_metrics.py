"""Two centrals on one PostgreSQL with --metrics: each times applying the other's commits."""

from __future__ import annotations

import asyncio
import re
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from generated.distribution.v1 import month_pb2
from tests.helpers import assert_eventually
from tests.several_centrals import several_centrals

pytestmark = pytest.mark.several_centrals

LAG = "distribution_change_feed_lag_seconds_count"


def _metrics_url(log: Path) -> str:
    found = re.search(r"metrics on (http://\S+/metrics)", log.read_text())
    assert found is not None, log.read_text()
    return found.group(1)


def _lag_count(url: str) -> float:
    with urllib.request.urlopen(url, timeout=5) as reply:
        text = reply.read().decode()
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples if s.name == LAG)


async def test_a_central_times_applying_another_centrals_commit(server: str, tmp_path: Path) -> None:
    async with several_centrals(server, tmp_path, 2, extra_args=["--metrics", "127.0.0.1:0"]) as centrals:
        url = _metrics_url(centrals[1].log_path)
        before = await asyncio.to_thread(_lag_count, url)
        # A month opened at central A is a commit central B hears of and applies.
        await centrals.stubs(0).months.OpenMonth(
            month_pb2.OpenMonthRequest(offer_deadline_ms=60_000),
            metadata=centrals.operator_metadata,
            timeout=10,
        )

        async def applied() -> None:
            assert await asyncio.to_thread(_lag_count, url) > before, "central B never applied A's commit"

        await assert_eventually(applied, timeout_s=10)
