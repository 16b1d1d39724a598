"""The guard around every handler: authenticate, check the role, rate-limit, map errors to statuses."""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import grpc

from nodekit.auth import AUTHORIZATION, Principal, Role, parse_bearer
from nodekit.errors import DomainError, ErrorKind, denied, unauthenticated
from nodekit.registrar import Registrar
from nodekit.status import abort_with

logger = logging.getLogger(__name__)

current_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "current_principal", default=None
)

PUBLIC: frozenset[Role] = frozenset()
"""Marks an RPC anyone may call without a token."""


class Authenticator(Protocol):
    """Turns a bearer token into a principal, or None when the token is unknown."""

    async def authenticate(self, token: str) -> Principal | None: ...


def principal() -> Principal:
    """The caller of the RPC being served (set by the guard)."""
    who = current_principal.get()
    if who is None:
        raise unauthenticated("UNAUTHENTICATED", "This call needs a bearer token.")
    return who


@dataclass
class RateLimit:
    """A token bucket per caller: ``rate`` calls per second with bursts of ``burst``."""

    rate: float
    burst: float
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        """Takes one token from ``key``'s bucket; False when it is empty."""
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True


class Guard:
    """Applies the access policy to every RPC and turns exceptions into statuses.

    Handlers are wrapped once, when servicers are added through ``around(server)``,
    rather than per call by a server interceptor: the method's roles are looked up
    once, and a call pays only for its own admission. A method missing from the
    policy is still served, and refused on every call.

    Args:
        authenticator: Resolves tokens.
        policy: Full method name -> roles allowed; ``PUBLIC`` for no token needed.
            A method missing from the policy is refused, so a new RPC is never open by mistake.
        rate_limit: Per-principal limit, or None for none.
    """

    def __init__(
        self,
        authenticator: Authenticator,
        policy: Mapping[str, frozenset[Role]],
        rate_limit: RateLimit | None = None,
    ) -> None:
        self._authenticator = authenticator
        self._policy = dict(policy)
        self._rate_limit = rate_limit

    def around(self, server: grpc.aio.Server) -> Registrar:
        """What to pass to ``add_..._to_server`` so the servicer's methods are guarded."""
        return Registrar(server, self.wrap)

    def wrap(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        """``handler`` with admission and error mapping around its behaviour."""
        roles = self._policy.get(method)

        async def admit(context: grpc.aio.ServicerContext) -> Principal | None:
            return await self._admit(method, roles, _token(context.invocation_metadata()))

        return _wrap(handler, method, admit)

    async def _admit(self, method: str, roles: frozenset[Role] | None, token: str | None) -> Principal | None:
        if roles is None:
            raise denied("METHOD_NOT_ALLOWED", f"{method} is not open to any caller.")
        who = await self._authenticator.authenticate(token) if token else None
        if roles == PUBLIC:
            return who
        if token is None:
            raise unauthenticated("MISSING_TOKEN", "This call needs a bearer token.")
        if who is None:
            raise unauthenticated("UNKNOWN_TOKEN", "The bearer token is not known.")
        if who.role not in roles:
            allowed = ", ".join(sorted(role.value for role in roles))
            raise denied(
                "WRONG_ROLE",
                f"A {who.role.value} may not call {method}; allowed: {allowed}.",
                role=who.role.value,
                allowed=allowed,
            )
        if self._rate_limit is not None and not self._rate_limit.allow(who.subject_id):
            raise DomainError(
                ErrorKind.RESOURCE_EXHAUSTED,
                "RATE_LIMITED",
                f"Too many calls from {who.name}; slow down and retry.",
                {"name": who.name},
            )
        return who


def _token(metadata: Any) -> str | None:
    for key, value in metadata or ():
        if key == AUTHORIZATION:
            return parse_bearer(value)
    return None


Admit = Callable[[grpc.aio.ServicerContext], Awaitable[Principal | None]]


def _wrap(handler: grpc.RpcMethodHandler, method: str, admit: Admit) -> grpc.RpcMethodHandler:
    """Returns ``handler`` with admission and error mapping around its behaviour."""
    if handler.unary_unary:
        inner_uu = handler.unary_unary

        async def unary_unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
            try:
                current_principal.set(await admit(context))
                return await inner_uu(request, context)
            except (grpc.aio.AbortError, GeneratorExit):
                raise
            except Exception as error:
                await abort_with(context, error, method)

        return grpc.unary_unary_rpc_method_handler(
            unary_unary, handler.request_deserializer, handler.response_serializer
        )
    if handler.unary_stream:
        inner_us = handler.unary_stream

        async def unary_stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            try:
                current_principal.set(await admit(context))
                async for reply in inner_us(request, context):
                    yield reply
            except (grpc.aio.AbortError, GeneratorExit):
                raise
            except Exception as error:
                await abort_with(context, error, method)

        return grpc.unary_stream_rpc_method_handler(
            unary_stream, handler.request_deserializer, handler.response_serializer
        )
    if handler.stream_stream:
        inner_ss = handler.stream_stream

        async def stream_stream(requests: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            try:
                current_principal.set(await admit(context))
                async for reply in inner_ss(requests, context):
                    yield reply
            except (grpc.aio.AbortError, GeneratorExit):
                raise
            except Exception as error:
                await abort_with(context, error, method)

        return grpc.stream_stream_rpc_method_handler(
            stream_stream, handler.request_deserializer, handler.response_serializer
        )
    inner_su = handler.stream_unary

    async def stream_unary(requests: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            current_principal.set(await admit(context))
            return await inner_su(requests, context)
        except (grpc.aio.AbortError, GeneratorExit):
            raise
        except Exception as error:
            await abort_with(context, error, method)

    return grpc.stream_unary_rpc_method_handler(
        stream_unary, handler.request_deserializer, handler.response_serializer
    )
