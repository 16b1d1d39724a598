"""Trace context carried in messages: nothing while tracing is off; a linked chain while it is on."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from nodekit.observability import carried, tracing
from nodekit.observability.carried import carried_spans, remember, remembered, span_to_carry


@pytest.fixture(autouse=True)
def forgetting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(carried, "_parents", {})


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """Tracing on, with this test's provider (the process-wide one is left alone)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("tests"))
    yield exporter
    provider.shutdown()


def test_while_tracing_is_off_nothing_is_carried_or_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracing, "_tracer", None)
    with span_to_carry("branch sale") as trace_parent:
        remember("sale-1", trace_parent)
    assert trace_parent == "" and remembered("sale-1") == ""
    assert carried_spans("central sale") is None


def test_the_receiver_continues_the_senders_trace(exported: InMemorySpanExporter) -> None:
    with span_to_carry("branch sale") as trace_parent:
        remember("sale-1", trace_parent)
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}", trace_parent)
    spans = carried_spans("central sale")
    assert spans is not None
    spans.arrived("sale-1", remembered("sale-1"))
    spans.arrived("sale-2", "")  # sent untraced: no span
    spans.queued("sale-1")
    spans.queued("sale-2")
    spans.acked("sale-1")
    spans.close()
    by_name = {span.name: span for span in exported.get_finished_spans()}
    assert sorted(by_name) == ["branch sale", "central sale", "database write (group commit)"]
    sale, central, write = by_name["branch sale"], by_name["central sale"], by_name[carried.WRITE_SPAN]
    assert sale.parent is None
    assert central.parent is not None and central.parent.span_id == sale.context.span_id
    assert write.parent is not None and write.parent.span_id == central.context.span_id
    assert {central.context.trace_id, write.context.trace_id} == {sale.context.trace_id}


def test_only_the_latest_sales_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(carried, "REMEMBERED", 2)
    for n in range(3):
        remember(f"sale-{n}", f"parent-{n}")
    assert [remembered(f"sale-{n}") for n in range(3)] == ["", "parent-1", "parent-2"]
