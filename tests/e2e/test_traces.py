"""OTLP traces on: a web checkout, and a branch sale, is one trace through the nodes and the central's write.

The test is the OTLP/HTTP receiver: it decodes the spans the real processes export and
checks that they hang together by their parent links.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from nodekit.ports import free_port
from tests.browser.network import running_network
from tests.processes import node_env

pytestmark = pytest.mark.e2e

CHECKOUT = "/distribution.v1.OrderService/Checkout"


@dataclass(frozen=True, slots=True)
class Span:
    """What the test reads of one exported span."""

    service: str
    name: str
    trace_id: str
    span_id: str
    parent_id: str


class _Receiver(BaseHTTPRequestHandler):
    spans: list[Span]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        request = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            service = next(
                (a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"),
                "",
            )
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.spans.append(
                        Span(
                            service,
                            span.name,
                            span.trace_id.hex(),
                            span.span_id.hex(),
                            span.parent_span_id.hex(),
                        )
                    )
        reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the spans, not the access log."""


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Span]]:
    """An OTLP/HTTP receiver on loopback; the nodes started meanwhile export to it, every 100 ms."""
    spans: list[Span] = []
    handler = type("Receiver", (_Receiver,), {"spans": spans})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
    try:
        yield spans
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _shop_checkout(url: str, line_id: int) -> None:
    """Registers, adds a unit and checks out through the web shop's API, as its page does."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(url + "/shop", timeout=10) as page:
        found = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.read().decode())
    assert found is not None
    headers = {"Content-Type": "application/json", "X-CSRF-Token": found.group(1)}
    steps: list[tuple[str, dict[str, object]]] = [
        (
            "register",
            {"name": "Tia", "card_number": "4242424242424242", "expiry_month": 12, "expiry_year": 2031},
        ),
        ("cart/add", {"stock_line_id": line_id, "quantity": 1}),
        ("checkout", {"idempotency_key": "trace-checkout-1"}),
    ]
    for path, body in steps:
        request = urllib.request.Request(
            f"{url}/api/shop/{path}", data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        with opener.open(request, timeout=10) as reply:
            assert reply.status == 200, path


def test_a_web_checkout_is_one_trace_through_web_central_and_its_write(
    collector: list[Span], tmp_path: Path
) -> None:
    with running_network(tmp_path, {"Acme Foods": {"Bolts": 5}}) as network:
        _shop_checkout(network.url, network.lines["Bolts"])

        def chain() -> list[Span] | None:
            """The central's Checkout span, its parent and grandparent, once all three have arrived."""
            spans = list(collector)
            by_id = {s.span_id: s for s in spans}
            for central in (s for s in spans if s.service == "central" and s.name == CHECKOUT):
                client = by_id.get(central.parent_id)
                request = by_id.get(client.parent_id) if client is not None else None
                if client is not None and request is not None:
                    return [central, client, request]
            return None

        deadline = time.monotonic() + 20
        while (found := chain()) is None:
            assert time.monotonic() < deadline, f"no linked Checkout trace among {collector}"
            time.sleep(0.05)
        central, client, request = found
        trace = [s for s in list(collector) if s.trace_id == central.trace_id]

        # central's server span <- the web node's client span <- the web node's HTTP request span.
        assert (client.service, client.name) == ("web", CHECKOUT)
        assert request.service == "web" and "/api/shop/checkout" in request.name
        # The database write waited for inside the central's handler is a child of its server span.
        writes = [s for s in trace if s.service == "central" and s.name.startswith("database write")]
        assert any(w.parent_id == central.span_id for w in writes), trace


def _linked(collector: list[Span], child_service: str, child_name: str) -> tuple[Span, Span] | None:
    """A ``child_service`` span named ``child_name`` and its parent, once both have arrived."""
    spans = list(collector)
    by_id = {s.span_id: s for s in spans}
    for child in (s for s in spans if (s.service, s.name) == (child_service, child_name)):
        parent = by_id.get(child.parent_id)
        if parent is not None:
            return child, parent
    return None


def test_a_branch_sale_is_one_trace_through_branch_central_and_its_write(
    collector: list[Span], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTRIBUTION_BRANCH_KEYS", "north=north-key")
    with running_network(tmp_path, {"Acme Foods": {"apple": 500, "pear": 500}}) as network:
        argv = [sys.executable, "-m", "branch_node", "--central", network.central, "--name", "north"]
        argv += ["--key", "north-key", "--db", str(tmp_path / "north.sqlite3"), "--province", "QC"]
        argv += ["--seed", "7", "--day-seconds", "1", "--days", "1", "--shoppers-per-day", "12"]
        with (tmp_path / "branch.log").open("wb") as log:
            branch = subprocess.Popen(argv, env=node_env(), stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while (found := _linked(collector, "central", "central sale")) is None:
                assert branch.poll() is None, (tmp_path / "branch.log").read_text()[-2000:]
                assert time.monotonic() < deadline, f"no linked branch sale among {collector}"
                time.sleep(0.05)
        finally:
            branch.terminate()
            branch.wait(timeout=30)
        central, sale = found
        # The central's processing of the sale continues the branch's span for it, across the stream.
        assert (sale.service, sale.name) == ("branch-north", "branch sale")
        assert central.trace_id == sale.trace_id

        def write() -> Span | None:
            """The central's database write span under its sale span, once it has arrived."""
            return next(
                (
                    s
                    for s in list(collector)
                    if s.service == "central"
                    and s.name.startswith("database write")
                    and s.parent_id == central.span_id
                ),
                None,
            )

        while (batch := write()) is None:
            assert time.monotonic() < deadline + 20, [s for s in collector if s.trace_id == sale.trace_id]
            time.sleep(0.05)
        assert batch.trace_id == sale.trace_id
        # A sale's trace is its own: not the stream's one span.
        assert sale.parent_id == ""
