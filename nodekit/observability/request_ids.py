"""A request id for each call a node serves, on every JSON log line written while serving it.

Handlers are wrapped where the guard wraps them (``identified``), and only once JSON logs
are on: with text logs a call pays nothing. The id is new per call, 16 hex digits.
"""

from __future__ import annotations

import contextvars
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import grpc

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")

_enabled = False


class RequestIdFilter(logging.Filter):
    """Puts the current call's id on a record as ``request_id`` (where ``JsonFormatter`` reads it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id.get()
        if request_id:
            record.request_id = request_id
        return True


def enable_request_ids() -> None:
    """Numbers the calls served from now on and marks the root handlers' lines with the id."""
    global _enabled
    _enabled = True
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())


def new_request_id() -> str:
    """A fresh id for one call."""
    return os.urandom(8).hex()


def identified(handler: grpc.RpcMethodHandler[Any, Any]) -> grpc.RpcMethodHandler[Any, Any]:
    """``handler`` serving each call under a new request id while ids are on; unchanged otherwise."""
    if not _enabled:
        return handler
    # grpc's handler type describes synchronous behaviours; on a grpc.aio server they are coroutines.
    inner: Any
    if handler.unary_unary or handler.stream_unary:
        inner = handler.unary_unary or handler.stream_unary

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            current_request_id.set(new_request_id())
            return await inner(request, context)

        make: Any = (
            grpc.unary_unary_rpc_method_handler
            if handler.unary_unary
            else grpc.stream_unary_rpc_method_handler
        )
        return make(unary, handler.request_deserializer, handler.response_serializer)  # type: ignore[no-any-return]
    inner = handler.unary_stream or handler.stream_stream

    async def streaming(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        current_request_id.set(new_request_id())
        async for reply in inner(request, context):
            yield reply

    make = (
        grpc.unary_stream_rpc_method_handler
        if handler.unary_stream
        else grpc.stream_stream_rpc_method_handler
    )
    return make(streaming, handler.request_deserializer, handler.response_serializer)  # type: ignore[no-any-return]
