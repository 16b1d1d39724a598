"""Each of several centrals' health on its own channel: the dashboard shows which one is down.

The launcher's other calls go round-robin over every central and so keep answering while one
is down; only a channel per address tells the centrals apart.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from launcher.board import Board
from nodekit.channel import open_channel
from nodekit.tls import TlsClientConfig

HEALTH_EVERY_S = 0.5
CHECK_TIMEOUT_S = 1.0


async def serving(stub: health_pb2_grpc.HealthStub) -> bool:
    """Whether one central answers SERVING now (no wait for a connection: a dead one is down)."""
    try:
        reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=CHECK_TIMEOUT_S)
    except grpc.aio.AioRpcError:
        return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


async def follow_centrals(
    addresses: Sequence[str], board: Board, tls: TlsClientConfig | None, every_s: float = HEALTH_EVERY_S
) -> None:
    """Polls every central's health into ``board.centrals`` until cancelled."""
    async with contextlib.AsyncExitStack() as stack:
        stubs = []
        for address in addresses:
            channel = await stack.enter_async_context(open_channel(address, tls))
            stubs.append(health_pb2_grpc.HealthStub(channel))
        while True:
            states = await asyncio.gather(*(serving(stub) for stub in stubs))
            board.centrals_seen(dict(zip(addresses, states, strict=True)))
            await asyncio.sleep(every_s)
