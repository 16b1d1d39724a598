"""Rebuilding a grpc.aio method handler around a new behaviour, of the same kind and with the same codecs."""

from __future__ import annotations

from typing import Any

import grpc


def inner_behaviour(handler: grpc.RpcMethodHandler[Any, Any]) -> Any:
    """The handler's behaviour (on a grpc.aio server, a coroutine or an async generator function)."""
    return handler.unary_unary or handler.stream_unary or handler.unary_stream or handler.stream_stream


def replies_once(handler: grpc.RpcMethodHandler[Any, Any]) -> bool:
    """Whether the handler answers with one reply (unary response) rather than a stream of them."""
    return bool(handler.unary_unary or handler.stream_unary)


def same_kind(handler: grpc.RpcMethodHandler[Any, Any], behaviour: Any) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler of ``handler``'s kind (unary or streaming request and response) running ``behaviour``."""
    make: Any
    if handler.unary_unary:
        make = grpc.unary_unary_rpc_method_handler
    elif handler.stream_unary:
        make = grpc.stream_unary_rpc_method_handler
    elif handler.unary_stream:
        make = grpc.unary_stream_rpc_method_handler
    else:
        make = grpc.stream_stream_rpc_method_handler
    return make(behaviour, handler.request_deserializer, handler.response_serializer)  # type: ignore[no-any-return]
