"""A test proxy in front of a central that cuts chosen unary calls the way a stopping central does.

Every unary call is forwarded as raw bytes (with its metadata and deadline) and its answer or
error passed back. A call chosen by ``cut`` is forwarded too, so whatever it writes commits, and
then its answer is lost: ``"cancel"`` answers CANCELLED, ``"stop"`` holds the answer until the
test stops the proxy's server (``restart``), which cuts it as a shutdown does (UNAVAILABLE).
"""

from __future__ import annotations

import asyncio
import collections
from typing import Literal

import grpc

Cut = Literal["cancel", "stop"]


class CuttingProxy:
    """Forwards unary calls to ``upstream``; ``address`` is where clients connect.

    Args:
        upstream: The central's ``host:port``.
    """

    def __init__(self, upstream: str) -> None:
        self._upstream = grpc.aio.insecure_channel(upstream)
        self._server: grpc.aio.Server | None = None
        self._cuts: dict[str, list[Cut]] = collections.defaultdict(list)
        self.port = 0
        self.calls: collections.Counter[str] = collections.Counter()
        # Set once a call held for a "stop" cut has been forwarded and answered upstream.
        self.holding = asyncio.Event()

    @property
    def address(self) -> str:
        """Where clients connect."""
        return f"127.0.0.1:{self.port}"

    def cut(self, method: str, how: Cut, times: int = 1) -> None:
        """Cuts the next ``times`` calls of ``method`` (``/package.Service/Rpc``) after forwarding them."""
        self._cuts[method].extend([how] * times)

    async def start(self) -> None:
        """Listens on the same port as before (a free one the first time)."""
        server = grpc.aio.server()
        server.add_generic_rpc_handlers([_Forwarder(self)])
        self.port = server.add_insecure_port(f"127.0.0.1:{self.port}")
        await server.start()
        self._server = server

    async def restart(self) -> None:
        """Stops the server at once (calls in flight are cut) and listens again on the same port."""
        assert self._server is not None
        await self._server.stop(0)
        self.holding.clear()
        await self.start()

    async def close(self) -> None:
        """Stops the server and closes the upstream channel."""
        if self._server is not None:
            await self._server.stop(0)
        await self._upstream.close()

    async def forward(
        self, method: str, request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]
    ) -> bytes:
        """Forwards one call; cuts its answer when ``method`` is due a cut."""
        self.calls[method] += 1
        metadata = tuple(
            (key, value) for key, value in context.invocation_metadata() or () if not key.startswith(":")
        )
        remaining = context.time_remaining()
        try:
            upstream: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = self._upstream.unary_unary(method)
            answer = await upstream(request, metadata=metadata, timeout=remaining)
        except grpc.aio.AioRpcError as error:
            await context.abort(error.code(), error.details() or "", tuple(error.trailing_metadata() or ()))
        cuts = self._cuts[method]
        if cuts:
            how = cuts.pop(0)
            if how == "cancel":
                await context.abort(grpc.StatusCode.CANCELLED, "the central is stopping")
            self.holding.set()
            await asyncio.Event().wait()  # until the server stops
        return answer


class _Forwarder(grpc.GenericRpcHandler):
    def __init__(self, proxy: CuttingProxy) -> None:
        self._proxy = proxy

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler[bytes, bytes]:
        method = str(handler_call_details.method)

        async def forward(request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
            return await self._proxy.forward(method, request, context)

        return grpc.unary_unary_rpc_method_handler(forward)
