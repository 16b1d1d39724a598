"""The branch's own figures for Prometheus: sales the central has not acknowledged yet, stream sessions."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from branch_node.node import Branch
from branch_node.storage.schema import outbox
from nodekit.observability.metrics_server import metrics_on


class _BranchState(Collector):
    """Read when scraped: the outbox from its own read-only connection, the stream's counters."""

    def __init__(self, branch: Branch) -> None:
        self._branch = branch
        self._db = Path(branch.settings.db_path)

    def _unacknowledged(self) -> int:
        # A separate read-only connection: scrapes run on prometheus-client's thread, not the loop.
        uri = f"file:{self._db}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=1.0)) as db:
            row = db.execute(f"SELECT COUNT(*) FROM {outbox.name} WHERE acked_at IS NULL").fetchone()
        return int(row[0])

    def collect(self) -> Iterator[Metric]:
        with contextlib.suppress(sqlite3.Error):
            yield GaugeMetricFamily(
                "distribution_branch_sales_unacknowledged",
                "Sales recorded at the branch that the central has not acknowledged yet.",
                value=self._unacknowledged(),
            )
        stream = self._branch.stream
        yield GaugeMetricFamily(
            "distribution_branch_sales_acknowledged_sequence",
            "The newest sale sequence the central acknowledged.",
            value=stream.acked,
        )
        yield CounterMetricFamily(
            "distribution_branch_stream_sessions",
            "Sales streams opened to the central.",
            value=stream.sessions,
        )


def observe_branch(branch: Branch) -> None:
    """Exposes the branch's figures when this process serves metrics."""
    if metrics_on():
        REGISTRY.register(_BranchState(branch))
