"""Health service helpers: serve it, flip it, and wait for a peer to be SERVING."""

from __future__ import annotations

import asyncio
import time

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from nodekit.channel import open_channel
from nodekit.handshake import probe
from nodekit.reach import ReachNotice
from nodekit.registrar import Registrar
from nodekit.tls import TlsClientConfig

OVERALL = ""
# One check's deadline: long enough for a link slowed down by seconds (the lecturer's latency);
# with wait_for_ready a check still goes out the moment the peer is up.
CHECK_TIMEOUT_S = 5.0


def add_health(server: grpc.aio.Server | Registrar) -> health.aio.HealthServicer:
    """Registers a health servicer that starts NOT_SERVING."""
    servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    return servicer


async def set_serving(servicer: health.aio.HealthServicer, serving: bool) -> None:
    """Marks the whole server SERVING or NOT_SERVING."""
    status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
    await servicer.set(OVERALL, status)


async def wait_until_serving(
    target: str,
    timeout_s: float = 30.0,
    notice: ReachNotice | None = None,
    tls: TlsClientConfig | None = None,
) -> None:
    """Polls ``target``'s health until SERVING, or raises TimeoutError after ``timeout_s``.

    With several addresses (``A:1,B:2``) one of them SERVING is enough. ``notice`` hears
    every check that found nothing answering (so a person learns why the node waits).

    Raises:
        TimeoutError: Not SERVING within ``timeout_s``.
        nodekit.handshake.HandshakeRefused: The central answers but refuses our TLS (or plaintext).
    """
    deadline = time.monotonic() + timeout_s
    async with open_channel(target, tls) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{target} was not SERVING within {timeout_s:.0f}s")
            try:
                reply = await stub.Check(
                    health_pb2.HealthCheckRequest(service=OVERALL),
                    timeout=min(CHECK_TIMEOUT_S, remaining),
                    wait_for_ready=True,
                )
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                # wait_for_ready hides why the connection failed; one plain check shows it.
                await probe(stub, target, tls)
                if notice is not None:
                    notice.failed()
            await asyncio.sleep(0.05)
