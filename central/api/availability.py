"""Every handler inside the guard: UNAVAILABLE while the database is gone, and when a call finds it gone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import grpc

from central.service.database_watch import DatabaseWatch
from nodekit.auth import Principal
from nodekit.guard import Authenticator, Guard
from nodekit.registrar import Wrap


def guarded_by(guard: Guard, watch: DatabaseWatch) -> Wrap:
    """The guard's wrap around the watch's: admission first, then the database's availability."""

    def wrap(handler: grpc.RpcMethodHandler[Any, Any], method: str) -> grpc.RpcMethodHandler[Any, Any]:
        return guard.wrap(_watched(handler, watch), method)

    return wrap


# Quoted: grpc's classes are generic only in their type information.
Handler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"


def _watched(handler: Handler, watch: DatabaseWatch) -> Handler:
    """``handler`` refusing while the database is down, its outage errors turned into UNAVAILABLE."""
    # grpc's handler type describes synchronous behaviours; on a grpc.aio server they are coroutines.
    inner: Any
    if handler.unary_unary:
        inner = handler.unary_unary

        async def unary_unary(request: Any, context: Any) -> Any:
            if watch.down:
                raise watch.refusal()
            try:
                return await inner(request, context)
            except Exception as error:
                raise watch.check(error) from None

        return grpc.unary_unary_rpc_method_handler(unary_unary, *_codecs(handler))
    if handler.unary_stream:
        inner = handler.unary_stream

        async def unary_stream(request: Any, context: Any) -> AsyncIterator[Any]:
            if watch.down:
                raise watch.refusal()
            try:
                async for reply in inner(request, context):
                    yield reply
            except Exception as error:
                raise watch.check(error) from None

        return grpc.unary_stream_rpc_method_handler(unary_stream, *_codecs(handler))
    if handler.stream_stream:
        inner = handler.stream_stream

        async def stream_stream(requests: Any, context: Any) -> AsyncIterator[Any]:
            if watch.down:
                raise watch.refusal()
            try:
                async for reply in inner(requests, context):
                    yield reply
            except Exception as error:
                raise watch.check(error) from None

        return grpc.stream_stream_rpc_method_handler(stream_stream, *_codecs(handler))
    inner = handler.stream_unary

    async def stream_unary(requests: Any, context: Any) -> Any:
        if watch.down:
            raise watch.refusal()
        try:
            return await inner(requests, context)
        except Exception as error:
            raise watch.check(error) from None

    return grpc.stream_unary_rpc_method_handler(stream_unary, *_codecs(handler))


def _codecs(handler: grpc.RpcMethodHandler[Any, Any]) -> tuple[Any, Any]:
    return handler.request_deserializer, handler.response_serializer


class WatchedAuthenticator:
    """The accounts' authenticate, its database outage answered UNAVAILABLE (the guard calls it first)."""

    def __init__(self, inner: Authenticator, watch: DatabaseWatch) -> None:
        self._inner = inner
        self._watch = watch

    async def authenticate(self, token: str) -> Principal | None:
        """The principal for ``token``; UNAVAILABLE when the database is needed and gone."""
        try:
            return await self._inner.authenticate(token)
        except Exception as error:
            raise self._watch.check(error) from None
