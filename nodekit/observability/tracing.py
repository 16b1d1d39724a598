"""OpenTelemetry traces, on only by the standard ``OTEL_*`` variables: gRPC calls, web requests, writes.

With ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``..._TRACES_ENDPOINT``) set, spans go out over
OTLP/HTTP (protobuf) in batches; the gRPC servers and channels made afterwards carry the
trace context (W3C ``traceparent``) between nodes. Without it nothing is imported or wrapped.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

_tracer: Any = None


def tracing_wanted(env: Mapping[str, str] = os.environ) -> bool:
    """True when the environment asks for traces (an OTLP endpoint, the SDK and exporter not off)."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if env.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def setup_tracing(node: str) -> bool:
    """Starts exporting ``node``'s spans when the environment asks for it; True if it did."""
    global _tracer
    if not tracing_wanted():
        return False
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.grpc import GrpcAioInstrumentorClient, GrpcAioInstrumentorServer
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME") or node})
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    GrpcAioInstrumentorServer().instrument()  # type: ignore[no-untyped-call]
    GrpcAioInstrumentorClient().instrument()  # type: ignore[no-untyped-call]
    _tracer = trace.get_tracer("distribution")
    return True


def tracer() -> Any:
    """The node's tracer while tracing is on, else None."""
    return _tracer


def tracing_on() -> bool:
    """Whether this node exports spans (so a hot path may skip making one at all)."""
    return _tracer is not None


def write_span() -> AbstractContextManager[Any]:
    """A span around one write's wait for its group commit (nothing while tracing is off)."""
    if _tracer is None:
        return contextlib.nullcontext()
    span: AbstractContextManager[Any] = _tracer.start_as_current_span("database write (group commit)")
    return span


def trace_web(app: Starlette) -> None:
    """Gives each HTTP request of ``app`` a span, continued by the gRPC calls it makes (tracing on only)."""
    if _tracer is None:
        return
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    app.add_middleware(OpenTelemetryMiddleware)
