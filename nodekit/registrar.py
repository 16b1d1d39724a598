"""Adds services to a grpc.aio server as one method table, optionally wrapping each handler once.

grpc.aio keeps one pending call request per *registered* method and waits on
all of them (``asyncio.wait``) for every incoming call, so each call costs time
in proportion to the number of registered methods: about a third of a reserve's
CPU with the central's thirty. Generated ``add_..._to_server`` functions add a
service twice, as a generic handler and as registered methods. Given a
``Registrar`` instead of the server, they fill one generic handler that finds
any method with one dict lookup, and nothing is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast
from weakref import WeakKeyDictionary

import grpc

# Wraps a method's handler once (for example with the guard); gets the full method name.
# Quoted: grpc's classes are generic only in their type information.
Wrap = Callable[["grpc.RpcMethodHandler[Any, Any]", str], "grpc.RpcMethodHandler[Any, Any]"]


def _unchanged(handler: grpc.RpcMethodHandler[Any, Any], method: str) -> grpc.RpcMethodHandler[Any, Any]:
    return handler


class MethodTable(grpc.GenericRpcHandler):
    """Full method name -> handler, for every service added through a registrar."""

    def __init__(self) -> None:
        self.methods: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        return self.methods.get(handler_call_details.method)


# One table per server, shared by its registrars: every call then finds its method at the first
# generic handler gRPC asks, rather than after missing another registrar's table.
_tables: WeakKeyDictionary[grpc.aio.Server, MethodTable] = WeakKeyDictionary()


class Registrar:
    """What to pass to ``add_..._to_server`` in place of the server."""

    def __init__(self, server: grpc.aio.Server, wrap: Wrap = _unchanged) -> None:
        self._server = server
        self._wrap = wrap
        table = _tables.get(server)
        if table is None:
            table = _tables[server] = MethodTable()
            # Added first, so it answers before any generic handler added later.
            server.add_generic_rpc_handlers((table,))
        self._table = table

    def as_server(self) -> grpc.aio.Server:
        """This registrar, typed as the server that ``add_..._to_server`` takes.

        Those functions call only the two methods below, which it has.
        """
        return cast(grpc.aio.Server, self)

    def add_registered_method_handlers(
        self, service: str, handlers: Mapping[str, grpc.RpcMethodHandler[Any, Any]]
    ) -> None:
        """Puts the service's methods in the table, each wrapped once."""
        for name, handler in handlers.items():
            method = f"/{service}/{name}"
            self._table.methods[method] = self._wrap(handler, method)

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        """Adds generic handlers, wrapped; only reached for methods the table does not have."""
        self._server.add_generic_rpc_handlers([_WrappedGeneric(h, self._wrap) for h in handlers])


class _WrappedGeneric(grpc.GenericRpcHandler):
    """A generic handler whose method handlers are wrapped on first use."""

    def __init__(self, inner: grpc.GenericRpcHandler, wrap: Wrap) -> None:
        self._inner = inner
        self._wrap = wrap
        self._wrapped: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            handler = self._inner.service(handler_call_details)
            if handler is None:
                return None
            wrapped = self._wrapped[method] = self._wrap(handler, method)
        return wrapped
