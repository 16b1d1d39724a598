"""The guard around every handler: authenticate, check the role, rate-limit, map errors to statuses."""

from __future__ import annotations

import contextvars
import logging
from asyncio import CancelledError, current_task
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from functools import partial
from typing import Any, Protocol

import grpc

from nodekit.auth import AUTHORIZATION, NODE_NAME, Principal, Role, node_name, parse_bearer
from nodekit.decoding import Undecodable, malformed, tolerant
from nodekit.drain import Drain
from nodekit.errors import DomainError, ErrorKind, denied, unauthenticated
from nodekit.observability.grpc_metrics import measured
from nodekit.observability.request_ids import identified
from nodekit.outage import OutageWatch
from nodekit.rate_limit import RateLimit, peer_host
from nodekit.registrar import Registrar
from nodekit.status import abort_with

__all__ = ["PUBLIC", "Authenticator", "Guard", "RateLimit", "current_principal", "principal"]

logger = logging.getLogger(__name__)

current_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "current_principal", default=None
)

PUBLIC: frozenset[Role] = frozenset()
"""Marks an RPC anyone may call without a token."""

# Roles whose key is configured for one name: presented under another name it is refused.
_NAMED_ROLES = frozenset({Role.MANUFACTURER, Role.BRANCH})


class Authenticator(Protocol):
    """Turns a bearer token into a principal, or None when the token is unknown."""

    async def authenticate(self, token: str) -> Principal | None: ...


def principal() -> Principal:
    """The caller of the RPC being served (set by the guard)."""
    who = current_principal.get()
    if who is None:
        raise unauthenticated("UNAUTHENTICATED", "This call needs a bearer token.")
    return who


class Guard:
    """Applies the access policy to every RPC and turns exceptions into statuses.

    Handlers are wrapped once, when servicers are added through ``around(server)``,
    rather than per call by a server interceptor: the method's roles are looked up
    once, and a call pays only for its own admission. A method missing from the
    policy is still served, and refused on every call. Undecodable request bytes
    are answered INVALID_ARGUMENT (see ``nodekit.decoding``), and the guard's
    ``drain`` refuses calls and ends streams once shutdown starts.

    Args:
        authenticator: Resolves tokens.
        policy: Full method name -> roles allowed; ``PUBLIC`` for no token needed.
            A method missing from the policy is refused, so a new RPC is never open by mistake.
        rate_limit: Per-caller limit (per peer address for callers without a token), or None.
        drain: Shutdown state shared with the server's owner; a fresh one when None.
    """

    def __init__(
        self,
        authenticator: Authenticator,
        policy: Mapping[str, frozenset[Role]],
        rate_limit: RateLimit | None = None,
        drain: Drain | None = None,
    ) -> None:
        self._authenticator = authenticator
        self._policy = dict(policy)
        self._rate_limit = rate_limit
        self.drain = drain or Drain()

    def around(self, server: grpc.aio.Server) -> grpc.aio.Server:
        """What to pass to ``add_..._to_server`` so the servicer's methods are guarded."""
        return Registrar(server, self.wrap).as_server()

    def wrap(
        self, handler: grpc.RpcMethodHandler[Any, Any], method: str, watch: OutageWatch | None = None
    ) -> grpc.RpcMethodHandler[Any, Any]:
        """``handler`` with admission and error mapping around its behaviour.

        With ``watch`` (a unary-unary handler only), the same wrapper also answers
        UNAVAILABLE while the watched dependency is down or when the call finds it gone.
        """
        roles = self._policy.get(method)

        # A partial, not a closure: the call goes straight to ``_admit``, no frame between.
        admit: Admit = partial(self._admit, method, roles)
        if watch is not None and handler.unary_unary:
            wrapped = _watched_unary(handler, method, admit, self.drain, watch)
        else:
            wrapped = _wrap(handler, method, admit, self.drain)
        return measured(identified(wrapped), method)

    async def _admit(
        self, method: str, roles: frozenset[Role] | None, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Principal | None:
        if self.drain.closing:
            await self.drain.refuse()
        if roles is None:
            raise denied("METHOD_NOT_ALLOWED", f"{method} is not open to any caller.")
        token, claimed = _credentials(context.invocation_metadata())
        who = await self._authenticator.authenticate(token) if token else None
        if self._rate_limit is not None:
            key = who.subject_id if who is not None else f"peer {peer_host(context.peer())}"
            if not self._rate_limit.allow(key):
                caller = who.name if who is not None else "this address"
                raise DomainError(
                    ErrorKind.RESOURCE_EXHAUSTED,
                    "RATE_LIMITED",
                    f"Too many calls from {caller}; slow down and retry.",
                    {"name": caller},
                )
        if who is not None and claimed is not None and who.role in _NAMED_ROLES and claimed != who.name:
            raise denied(
                "KEY_OF_ANOTHER_NAME",
                f"This key belongs to another {who.role.value}; {claimed!r} may not use it.",
                name=claimed,
            )
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
        return who


def _credentials(metadata: Any) -> tuple[str | None, str | None]:
    """The bearer token and the claimed node name of a call's metadata."""
    token = claimed = None
    for key, value in metadata or ():
        if key == AUTHORIZATION:
            token = parse_bearer(value)
        elif key == NODE_NAME:
            claimed = node_name(value)
    return token, claimed


# Quoted: grpc's classes are generic only in their type information.
Admit = Callable[["grpc.aio.ServicerContext[Any, Any]"], Awaitable[Principal | None]]


def _wrap(
    handler: grpc.RpcMethodHandler[Any, Any], method: str, admit: Admit, drain: Drain
) -> grpc.RpcMethodHandler[Any, Any]:
    """Returns ``handler`` with admission, draining and error mapping around its behaviour."""
    deserialize = tolerant(handler.request_deserializer)
    # grpc's handler type describes synchronous behaviours; on a grpc.aio server they are coroutines.
    inner_uu: Any
    inner_us: Any
    inner_ss: Any
    inner_su: Any
    if handler.unary_unary:
        inner_uu = handler.unary_unary

        async def unary_unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            counted = drain.enter()
            try:
                current_principal.set(await admit(context))
                if isinstance(request, Undecodable):
                    raise malformed(method)
                return await inner_uu(request, context)
            except (grpc.aio.AbortError, GeneratorExit):
                raise
            except Exception as error:
                await abort_with(context, error, method)
            finally:
                drain.leave(counted)

        return grpc.unary_unary_rpc_method_handler(unary_unary, deserialize, handler.response_serializer)
    if handler.unary_stream:
        inner_us = handler.unary_stream

        async def unary_stream(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            counted = drain.enter()
            try:
                current_principal.set(await admit(context))
                if isinstance(request, Undecodable):
                    raise malformed(method)
                async for reply in drain.replies(inner_us(request, context)):
                    yield reply
            except (grpc.aio.AbortError, GeneratorExit):
                raise
            except Exception as error:
                await abort_with(context, error, method)
            finally:
                drain.leave(counted)

        return grpc.unary_stream_rpc_method_handler(unary_stream, deserialize, handler.response_serializer)
    if handler.stream_stream:
        inner_ss = handler.stream_stream

        async def stream_stream(
            requests: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            counted = drain.enter()
            try:
                current_principal.set(await admit(context))
                # The replies end by themselves once the requests end at shutdown.
                async for reply in inner_ss(drain.requests(requests, method), context):
                    yield reply
            except (grpc.aio.AbortError, GeneratorExit):
                raise
            except Exception as error:
                await abort_with(context, error, method)
            finally:
                drain.leave(counted)

        return grpc.stream_stream_rpc_method_handler(stream_stream, deserialize, handler.response_serializer)
    inner_su = handler.stream_unary

    async def stream_unary(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        counted = drain.enter()
        try:
            current_principal.set(await admit(context))
            return await inner_su(drain.requests(requests, method), context)
        except (grpc.aio.AbortError, GeneratorExit):
            raise
        except Exception as error:
            await abort_with(context, error, method)
        finally:
            drain.leave(counted)

    return grpc.stream_unary_rpc_method_handler(stream_unary, deserialize, handler.response_serializer)


def _watched_unary(
    handler: grpc.RpcMethodHandler[Any, Any], method: str, admit: Admit, drain: Drain, watch: OutageWatch
) -> grpc.RpcMethodHandler[Any, Any]:
    """A unary-unary ``handler`` inside the guard and the watch, in one wrapper (the reserve's path).

    The only place a call that replies once is watched: one coroutine per call rather than a
    watch wrapper inside ``_wrap``'s. Streaming handlers are watched by their node's own wrapper.
    """
    inner: Any = handler.unary_unary
    waiting = watch.waiting

    async def unary_unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        counted = drain.enter()
        try:
            current_principal.set(await admit(context))
            if isinstance(request, Undecodable):
                raise malformed(method)
            if watch.down:
                raise watch.refusal()
            task: Any = current_task()
            waiting.add(task)
            try:
                return await inner(request, context)
            except CancelledError:
                if watch.was_cut(task):
                    raise watch.refusal() from None
                raise
            except Exception as error:
                raise watch.check(error) from None
            finally:
                waiting.discard(task)
        except (grpc.aio.AbortError, GeneratorExit):
            raise
        except Exception as error:
            await abort_with(context, error, method)
        finally:
            drain.leave(counted)

    deserialize = tolerant(handler.request_deserializer)
    return grpc.unary_unary_rpc_method_handler(unary_unary, deserialize, handler.response_serializer)
