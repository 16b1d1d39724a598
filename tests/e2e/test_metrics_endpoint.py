"""A central with --metrics: per-method figures by status and its own figures; a bad address is one line."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families

from generated.distribution.v1 import cart_pb2
from nodekit.channel import open_channel
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from tests.helpers import Stubs, add, open_month_with, register
from tests.processes import ROOT, node_env, node_process, stop

pytestmark = pytest.mark.e2e

OPERATOR_KEY = "metrics-operator-key"
ADD = "/distribution.v1.CartService/AddCartItem"
GET_CART = "/distribution.v1.CartService/GetCart"


class _Operator:
    operator_metadata = (("authorization", f"Bearer {OPERATOR_KEY}"),)


def _samples(url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    with urllib.request.urlopen(url, timeout=5) as reply:
        text = reply.read().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_the_central_counts_calls_by_method_and_status_and_its_units(tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    args = ["--port", str(port), "--db", f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}"]
    args += ["--operator-key", OPERATOR_KEY, "--metrics", f"127.0.0.1:{metrics_port}"]
    with node_process("central", args, tmp_path / "central.log") as process:
        address = f"127.0.0.1:{port}"
        await wait_until_serving(address, timeout_s=30)
        async with open_channel(address) as channel:
            stubs = Stubs.on(channel)
            lines = await open_month_with(_Operator(), stubs, {"bolts": 100})  # type: ignore[arg-type]
            ann = await register(stubs, "ann")
            for _ in range(3):
                await add(stubs, ann, lines["bolts"], 2)
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stubs.cart.GetCart(cart_pb2.GetCartRequest(), timeout=5)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED

        samples = _samples(f"http://127.0.0.1:{metrics_port}/metrics")
        ok = frozenset({("grpc_method", ADD), ("grpc_status", "OK")})
        assert samples[("grpc_server_call_duration_seconds_count", ok)] == 3
        denied = frozenset({("grpc_method", GET_CART), ("grpc_status", "UNAUTHENTICATED")})
        assert samples[("grpc_server_call_duration_seconds_count", denied)] == 1
        assert samples[("grpc_server_call_started_total", frozenset({("grpc_method", ADD)}))] == 3
        assert samples[("distribution_units_reserved_total", frozenset({("month", "1")}))] == 6
        assert samples[("distribution_stock_units", frozenset({("counter", "reserved")}))] == 6
        assert samples[("distribution_month_state", frozenset({("state", "open")}))] == 1
        assert stop(process) == 0


def test_a_bad_metrics_address_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "central",
            "--port",
            "0",
            "--db",
            str(tmp_path / "c.sqlite3"),
            "--metrics",
            "nowhere",
        ],
        cwd=ROOT,
        env={**node_env(), "DISTRIBUTION_OPERATOR_KEY": OPERATOR_KEY},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == "central: cannot serve metrics: --metrics takes HOST:PORT (port 0 takes a free one), got 'nowhere'"
    )
