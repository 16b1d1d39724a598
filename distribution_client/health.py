"""Whether one central answers SERVING now (the standard gRPC health service)."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

__all__ = ["CHECK_TIMEOUT_S", "Health"]

CHECK_TIMEOUT_S = 1.0


class Health:
    """Health checks on one channel (one central: a round-robin channel would hide which one is down)."""

    def __init__(self, channel: grpc.aio.Channel, timeout_s: float = CHECK_TIMEOUT_S) -> None:
        self._stub = health_pb2_grpc.HealthStub(channel)
        self._timeout_s = timeout_s

    async def serving(self) -> bool:
        """True when the central answers SERVING; no wait for a connection, so a dead one is False."""
        try:
            reply = await self._stub.Check(health_pb2.HealthCheckRequest(), timeout=self._timeout_s)
        except grpc.aio.AioRpcError:
            return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)
