"""Trace context carried inside messages (W3C ``traceparent``), for work a long-lived stream moves.

A stream call is one gRPC span however many sales it carries, so each sale carries its own
context: the sender starts a span where the sale is made and writes its ``traceparent`` into
the message; the receiver continues that trace for the sale's processing and its database
write. While tracing is off every function here returns at its first line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from nodekit.observability import tracing

# Sales made but not yet sent, at most: a stream further behind than this sends the oldest untraced.
REMEMBERED = 4096

WRITE_SPAN = "database write (group commit)"

_parents: dict[str, str] = {}


# What a sale is made in while tracing is off: shared, as it holds nothing.
_NO_SPAN = nullcontext("")


def span_to_carry(name: str) -> AbstractContextManager[str]:
    """A span named ``name`` for the enclosed work; gives its ``traceparent`` ("" while tracing is off).

    The span is not made current: the work may run where context variables do not follow.
    """
    tracer = tracing.tracer()
    return _NO_SPAN if tracer is None else _span_to_carry(tracer, name)


@contextmanager
def _span_to_carry(tracer: Any, name: str) -> Iterator[str]:
    from opentelemetry import propagate, trace

    span = tracer.start_span(name)
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace.set_span_in_context(span))
    try:
        yield carrier.get("traceparent", "")
    finally:
        span.end()


def remember(key: str, trace_parent: str) -> None:
    """Keeps ``trace_parent`` for the item ``key`` until it is sent (the oldest go past ``REMEMBERED``)."""
    if not trace_parent:
        return
    _parents[key] = trace_parent
    if len(_parents) > REMEMBERED:
        del _parents[next(iter(_parents))]


def remembered(key: str) -> str:
    """The ``traceparent`` kept for ``key`` ("" if none): kept for a resend until it ages out."""
    return _parents.get(key, "")


def carrying() -> bool:
    """Whether this node sends trace context with the items it streams (tracing on)."""
    return tracing.tracer() is not None


class CarriedSpans:
    """The receiver's spans of the items on one stream, from arrival to acknowledgement.

    Each item with a ``traceparent`` gets a processing span, a child of the sender's span,
    and once queued for its batch a write span under it; both end when the item is acked.
    """

    def __init__(self, tracer: Any, name: str) -> None:
        self._tracer = tracer
        self._name = name
        self._open: dict[str, tuple[Any, Any]] = {}

    def arrived(self, key: str, trace_parent: str) -> None:
        """Starts the processing span of ``key`` in the sender's trace (nothing without a parent)."""
        if not trace_parent:
            return
        from opentelemetry import propagate

        parent = propagate.extract({"traceparent": trace_parent})
        self._open[key] = (self._tracer.start_span(self._name, context=parent), None)

    def queued(self, key: str) -> None:
        """Starts the write span of ``key``: it now waits for its group commit."""
        spans = self._open.get(key)
        if spans is None or spans[1] is not None:
            return
        from opentelemetry import trace

        write = self._tracer.start_span(WRITE_SPAN, context=trace.set_span_in_context(spans[0]))
        self._open[key] = (spans[0], write)

    def acked(self, key: str) -> None:
        """Ends the spans of ``key``: its write committed."""
        spans = self._open.pop(key, None)
        if spans is not None:
            _end(spans)

    def close(self) -> None:
        """Ends the spans of items never acked (the stream ended first)."""
        for spans in self._open.values():
            _end(spans)
        self._open.clear()


def _end(spans: tuple[Any, Any]) -> None:
    processing, write = spans
    if write is not None:
        write.end()
    processing.end()


def carried_spans(name: str) -> CarriedSpans | None:
    """The receiver's spans for one stream's items, or None while tracing is off."""
    tracer = tracing.tracer()
    return None if tracer is None else CarriedSpans(tracer, name)
