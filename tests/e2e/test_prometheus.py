"""run.py --metrics scraped by a real Prometheus server: what it stored matches the run's report.

Needs Debian's ``prometheus`` binary; skipped without it unless ``DISTRIBUTION_REQUIRE_PROMETHEUS``
is 1 (CI installs it and sets that), then it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from nodekit.ports import free_port
from tests.e2e.test_run_py import finish, run_py
from tests.helpers import wait_for

pytestmark = pytest.mark.e2e

# Two months: the first one's figures are final while the second runs, and scraped meanwhile.
RUN = ["--months", "2", "--customers", "3", "--manufacturers", "2", "--branches", "1", "--pace", "brisk",
       "--month-seconds", "4", "--quiet", "--no-web", "--metrics", "--seed", "11"]  # fmt: skip


def _prometheus() -> str:
    found = shutil.which("prometheus")
    if found is None:
        if os.environ.get("DISTRIBUTION_REQUIRE_PROMETHEUS") == "1":
            pytest.fail("prometheus is not installed (Debian package prometheus; .ci/run installs it)")
        pytest.skip("prometheus is not installed (Debian package prometheus)")
    return found


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        body: bytes = response.read()
        return body


def _ready(url: str) -> bool:
    try:
        _get(url + "/-/ready")
    except OSError:
        return False
    return True


def _query(url: str, promql: str) -> list[dict[str, object]]:
    """The vector Prometheus's own query API answers for ``promql`` now."""
    answer = json.loads(_get(f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": promql})))
    assert answer["status"] == "success", answer
    result: list[dict[str, object]] = answer["data"]["result"]
    return result


def _value(url: str, promql: str) -> float:
    result = _query(url, promql)
    assert len(result) == 1, (promql, result)
    value = result[0]["value"]
    assert isinstance(value, list)
    return float(value[1])


def test_prometheus_scrapes_a_run_and_its_units_sold_match_the_report(tmp_path: Path) -> None:
    binary = _prometheus()
    run_dir = tmp_path / "run"
    config = run_dir / "prometheus.yml"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with run_py(run_dir, *RUN) as run_process:
        wait_for(config.exists, 60, "run.py to write prometheus.yml")
        with (tmp_path / "prometheus.log").open("wb") as log:
            prometheus = subprocess.Popen(
                [
                    binary,
                    f"--config.file={config}",
                    f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(lambda: _ready(url), 30, "Prometheus to be ready")
            run = finish(run_process, run_dir)
            assert run.returncode == 0, f"run.py failed:\n{run.stdout}\n{run.stderr}"
            report = run.report
            sold = report["months"][0]["sold"]
            assert sold > 0
            # The central's count of month 1's units, as Prometheus scraped it during month 2.
            units = 'max_over_time(distribution_units_sold_total{node="central",month="1"}[10m])'
            assert _value(url, units) == sold
            # The month's orders and unmet demand, counted from the database as the report counts them.
            orders = 'max_over_time(distribution_month_orders{node="central",month="1"}[10m])'
            assert _value(url, orders) == report["months"][0]["order_count"]
            unmet = 'max_over_time(distribution_month_unmet_demand_units{node="central",month="1"}[10m])'
            assert _value(url, unmet) == report["months"][0]["unmet_demand"]
            # gRPC's standard figures, per method and status, from the server and from its clients.
            checkouts = (
                "sum(max_over_time(grpc_server_call_duration_seconds_count"
                '{node="central",grpc_method="/distribution.v1.OrderService/Checkout",grpc_status="OK"}[10m]))'
            )
            assert _value(url, checkouts) >= 1
            customer_calls = _query(
                url, 'max_over_time(grpc_client_attempt_started_total{node=~"customer-.*"}[10m]) > 0'
            )
            assert customer_calls, "the customers' channels were measured"
            # The month's clock, as the central saw it while the months were open.
            assert 0 < _value(url, 'max_over_time(distribution_month_seconds_left{node="central"}[10m])') <= 4
            # Notices went out to both manufacturers (each month's report at least) through the outbox.
            outbox = _query(url, 'max_over_time(distribution_outbox_notices_waiting{node="central"}[10m])')
            assert len(outbox) == 2, outbox
            # The writer's batches, and the branch's view of its sales stream.
            assert _value(url, 'max_over_time(distribution_writer_batch_size_count{node="central"}[10m])') > 0
            branch = _query(url, "max_over_time(distribution_branch_sales_unacknowledged[10m])")
            labels = branch[0]["metric"] if len(branch) == 1 else {}
            assert isinstance(labels, dict) and str(labels["node"]).startswith("branch-"), branch
        finally:
            prometheus.terminate()
            prometheus.wait(timeout=30)
