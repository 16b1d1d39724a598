"""Every handler inside the guard: UNAVAILABLE while the database is gone, and when a call finds it gone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import grpc

from central.service.database_watch import DatabaseWatch
from nodekit.auth import Principal
from nodekit.guard import Authenticator, Guard
from nodekit.handlers import inner_behaviour, replies_once, same_kind
from nodekit.registrar import Wrap


def guarded_by(guard: Guard, watch: DatabaseWatch) -> Wrap:
    """The guard's wrap around the watch's: admission first, then the database's availability."""

    def wrap(handler: grpc.RpcMethodHandler[Any, Any], method: str) -> grpc.RpcMethodHandler[Any, Any]:
        if handler.unary_unary:
            # The guard's own wrapper watches it too: one coroutine per call, not two.
            return guard.wrap(handler, method, watch)
        return guard.wrap(_watched(handler, watch), method)

    return wrap


# Quoted: grpc's classes are generic only in their type information.
Handler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"


def _watched(handler: Handler, watch: DatabaseWatch) -> Handler:
    """A streaming ``handler`` refusing while the database is down, its outage errors turned into UNAVAILABLE.

    A handler that replies once is watched inside the guard's own wrapper (``Guard.wrap``'s
    ``watch``); the central serves none with a request stream and one reply.
    """
    if replies_once(handler):
        raise TypeError("a handler that replies once is watched by the guard, not here")
    inner = inner_behaviour(handler)

    async def stream(request: Any, context: Any) -> AsyncIterator[Any]:
        if watch.down:
            raise watch.refusal()
        try:
            async for reply in inner(request, context):
                yield reply
        except Exception as error:
            raise watch.check(error) from None

    return same_kind(handler, stream)


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
