"""Server reflection lists every service, so grpcurl and friends can explore the central."""

from __future__ import annotations

from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from central.testing import RunningCentral


async def test_reflection_lists_the_services(rc: RunningCentral) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(rc.channel)
    call = stub.ServerReflectionInfo(timeout=10)
    await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
    reply = await call.read()
    await call.done_writing()
    names = {service.name for service in reply.list_services_response.service}
    assert {
        "distribution.v1.CartService",
        "distribution.v1.OrderService",
        "distribution.v1.BranchService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    } <= names
