"""The role matrix: every RPC refuses callers without a token or with the wrong role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import descriptor_pool

import generated.distribution.v1  # noqa: F401  (registers the descriptors)
from central.api.policy import POLICY
from central.testing import running_central
from generated.distribution.v1 import (  # noqa: F401
    branch_pb2,
    catalog_pb2,
    customer_pb2,
    manufacturer_pb2,
    month_pb2,
    order_pb2,
    report_pb2,
)
from nodekit.auth import Role, bearer_metadata
from nodekit.status import from_rpc_error
from tests.helpers import Stubs, register

MANUFACTURER_KEY = "acme-secret-key"
BRANCH_KEY = "north-secret-key"


def _call(channel: grpc.aio.Channel, method: str) -> Any:
    # Any: the four kinds of multi-callable take different arguments; the descriptor says which.
    service_name, rpc = method.strip("/").rsplit("/", 1)
    descriptor = descriptor_pool.Default().FindServiceByName(service_name).methods_by_name[rpc]
    identity = (lambda b: b, lambda b: b)
    if descriptor.client_streaming and descriptor.server_streaming:
        return channel.stream_stream(method, *identity)
    if descriptor.server_streaming:
        return channel.unary_stream(method, *identity)
    if descriptor.client_streaming:
        return channel.stream_unary(method, *identity)
    return channel.unary_unary(method, *identity)


async def _code(
    channel: grpc.aio.Channel, method: str, metadata: tuple[tuple[str, str], ...]
) -> grpc.StatusCode:
    return (await _outcome(channel, method, metadata))[0]


async def _outcome(
    channel: grpc.aio.Channel, method: str, metadata: tuple[tuple[str, str], ...]
) -> tuple[grpc.StatusCode, str]:
    multi = _call(channel, method)
    service_name, rpc = method.strip("/").rsplit("/", 1)
    descriptor = descriptor_pool.Default().FindServiceByName(service_name).methods_by_name[rpc]
    try:
        if descriptor.client_streaming:
            call = multi(iter(()), metadata=metadata, timeout=5)
        else:
            call = multi(b"", metadata=metadata, timeout=5)
        if descriptor.server_streaming:
            async for _ in call:
                break
            call.cancel()
        else:
            await call
    except grpc.aio.AioRpcError as error:
        remote = from_rpc_error(error)
        return remote.code, remote.reason
    return grpc.StatusCode.OK, ""


@pytest.mark.parametrize("method", sorted(POLICY))
async def test_role_matrix(tmp_path: Path, method: str) -> None:
    async with running_central(
        tmp_path / "c.sqlite3",
        manufacturer_keys={"Acme": MANUFACTURER_KEY},
        branch_keys={"north": BRANCH_KEY},
    ) as rc:
        tokens = {
            Role.OPERATOR: rc.operator_metadata,
            Role.MANUFACTURER: bearer_metadata(MANUFACTURER_KEY),
            Role.BRANCH: bearer_metadata(BRANCH_KEY),
            Role.CUSTOMER: await register(Stubs.on(rc.channel), "ann"),
        }
        allowed = POLICY[method]
        if allowed:
            assert await _code(rc.channel, method, ()) == grpc.StatusCode.UNAUTHENTICATED
            assert (
                await _code(rc.channel, method, bearer_metadata("forged")) == grpc.StatusCode.UNAUTHENTICATED
            )
        for role, metadata in tokens.items():
            code, reason = await _outcome(rc.channel, method, metadata)
            if allowed and role not in allowed:
                assert (code, reason) == (grpc.StatusCode.PERMISSION_DENIED, "WRONG_ROLE"), role
            else:
                # Admitted: whatever the empty request gets, it is not an identity refusal.
                assert reason not in ("WRONG_ROLE", "MISSING_TOKEN", "UNKNOWN_TOKEN"), (role, code)


async def test_rate_limit_gives_resource_exhausted(tmp_path: Path) -> None:
    async with running_central(tmp_path / "c.sqlite3", rate_per_s=1.0) as rc:
        stubs = Stubs.on(rc.channel)
        ann = await register(stubs, "ann")
        codes = [await _code(rc.channel, "/distribution.v1.CartService/GetCart", ann) for _ in range(4)]
        assert codes[0] == grpc.StatusCode.OK
        assert codes[-1] == grpc.StatusCode.RESOURCE_EXHAUSTED
