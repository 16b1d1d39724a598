"""gRPC's standard per-method metrics (gRFC A66) in Prometheus form, for servers and clients.

Server handlers are wrapped once where the guard wraps them (``measured``); client channels
get interceptors (``client_interceptors``). Both are no-ops while metrics are off. An
interceptor sees a call, not the attempts gRPC makes below it, so the client's attempt
figures count calls (this project's channels configure no retry policy).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc
from prometheus_client import Counter, Histogram

from nodekit.handlers import inner_behaviour, replies_once, same_kind
from nodekit.observability.metrics_server import metrics_on

# gRFC A66's latency buckets, in seconds.
LATENCY_BUCKETS = (
    0, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001, 0.002, 0.003, 0.004, 0.005,
    0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1, 0.13,
    0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 2, 5, 10, 20, 50, 100,
)  # fmt: skip

SERVER_STARTED = Counter("grpc_server_call_started", "Calls the server started.", ["grpc_method"])
SERVER_DURATION = Histogram(
    "grpc_server_call_duration_seconds",
    "Server call latency, from the handler's start to its end.",
    ["grpc_method", "grpc_status"],
    buckets=LATENCY_BUCKETS,
)
CLIENT_STARTED = Counter(
    "grpc_client_attempt_started", "Calls the client started.", ["grpc_method", "grpc_target"]
)
CLIENT_DURATION = Histogram(
    "grpc_client_attempt_duration_seconds",
    "Client call latency, from the start to the status.",
    ["grpc_method", "grpc_target", "grpc_status"],
    buckets=LATENCY_BUCKETS,
)


def _status_of(context: grpc.aio.ServicerContext[Any, Any]) -> str:
    code = context.code()
    return code.name if isinstance(code, grpc.StatusCode) else "UNKNOWN"


def measured(handler: grpc.RpcMethodHandler[Any, Any], method: str) -> grpc.RpcMethodHandler[Any, Any]:
    """``handler`` counted and timed under ``method`` while metrics are on; unchanged otherwise."""
    if not metrics_on():
        return handler
    started = SERVER_STARTED.labels(method)
    durations: dict[str, Any] = {}

    def observe(status: str, since: float) -> None:
        child = durations.get(status)
        if child is None:
            child = durations[status] = SERVER_DURATION.labels(method, status)
        child.observe(time.perf_counter() - since)

    inner = inner_behaviour(handler)
    if replies_once(handler):

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started.inc()
            since = time.perf_counter()
            status = "OK"
            try:
                return await inner(request, context)
            except BaseException:
                status = _status_of(context) if context.code() else "CANCELLED"
                raise
            finally:
                observe(status, since)

        return same_kind(handler, unary)

    async def stream(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        started.inc()
        since = time.perf_counter()
        status = "OK"
        try:
            async for reply in inner(request, context):
                yield reply
        except BaseException:
            status = _status_of(context) if context.code() else "CANCELLED"
            raise
        finally:
            observe(status, since)

    return same_kind(handler, stream)


class _ClientMetrics:
    """Counts and times each call a channel makes."""

    def __init__(self, target: str) -> None:
        self._target = target

    def _start(self, details: grpc.aio.ClientCallDetails) -> tuple[str, float]:
        method = details.method.decode() if isinstance(details.method, bytes) else str(details.method)
        CLIENT_STARTED.labels(method, self._target).inc()
        return method, time.perf_counter()

    def _end(self, method: str, since: float, status: str) -> None:
        CLIENT_DURATION.labels(method, self._target, status).observe(time.perf_counter() - since)


class _UnaryMetrics(
    _ClientMetrics, grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.StreamUnaryClientInterceptor
):
    async def _measure(self, continuation: Any, details: grpc.aio.ClientCallDetails, request: Any) -> Any:
        method, since = self._start(details)
        status = "OK"
        try:
            call = await continuation(details, request)
            await call
            return call
        except grpc.aio.AioRpcError as error:
            status = error.code().name
            raise
        except BaseException:
            status = "CANCELLED"
            raise
        finally:
            self._end(method, since, status)

    async def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        return await self._measure(continuation, client_call_details, request)

    async def intercept_stream_unary(
        self, continuation: Any, client_call_details: Any, request_iterator: Any
    ) -> Any:
        return await self._measure(continuation, client_call_details, request_iterator)


class _StreamMetrics(
    _ClientMetrics, grpc.aio.UnaryStreamClientInterceptor, grpc.aio.StreamStreamClientInterceptor
):
    async def _measure(self, continuation: Any, details: grpc.aio.ClientCallDetails, request: Any) -> Any:
        method, since = self._start(details)
        call = await continuation(details, request)

        async def ended() -> None:
            code = await call.code()
            self._end(method, since, code.name if isinstance(code, grpc.StatusCode) else "UNKNOWN")

        # The status is read off the loop's next turn: a done callback may not await.
        call.add_done_callback(lambda _call: _keep(asyncio.ensure_future(ended())))
        return call

    async def intercept_unary_stream(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        return await self._measure(continuation, client_call_details, request)

    async def intercept_stream_stream(
        self, continuation: Any, client_call_details: Any, request_iterator: Any
    ) -> Any:
        return await self._measure(continuation, client_call_details, request_iterator)


_pending: set[asyncio.Future[None]] = set()


def _keep(future: asyncio.Future[None]) -> None:
    """Holds a reference until the future is done (the loop keeps only weak ones)."""
    _pending.add(future)
    future.add_done_callback(_pending.discard)


def client_interceptors(target: str) -> list[grpc.aio.ClientInterceptor] | None:
    """Interceptors measuring a channel's calls to ``target`` while metrics are on; None otherwise."""
    if not metrics_on():
        return None
    return [_UnaryMetrics(target), _StreamMetrics(target)]
