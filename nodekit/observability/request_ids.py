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

from nodekit.handlers import inner_behaviour, replies_once, same_kind

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
    inner = inner_behaviour(handler)
    if replies_once(handler):

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            current_request_id.set(new_request_id())
            return await inner(request, context)

        return same_kind(handler, unary)

    async def streaming(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        current_request_id.set(new_request_id())
        async for reply in inner(request, context):
            yield reply

    return same_kind(handler, streaming)
