"""Access limits of the real central: the rate limit covers public RPCs, a key is bound to its name."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from central.testing import RunningCentral, running_central
from generated.distribution.v1 import (
    branch_pb2,
    branch_pb2_grpc,
    customer_pb2,
    manufacturer_pb2,
    manufacturer_pb2_grpc,
)
from nodekit.auth import node_metadata
from nodekit.rate_limit import peer_host
from nodekit.status import RemoteError, from_rpc_error
from tests.helpers import Stubs, fails


async def _register(stubs: Stubs, n: int) -> grpc.StatusCode:
    try:
        await stubs.customers.RegisterCustomer(customer_pb2.RegisterCustomerRequest(name=f"c{n}"), timeout=10)
    except grpc.aio.AioRpcError as error:
        return error.code()
    return grpc.StatusCode.OK


async def test_public_calls_without_a_token_are_limited_per_peer_address() -> None:
    async with running_central(rate_per_s=1.0) as rc:
        stubs = Stubs.on(rc.channel)
        started = time.monotonic()
        codes = await asyncio.gather(*(_register(stubs, n) for n in range(40)))
        elapsed = time.monotonic() - started
        passed = codes.count(grpc.StatusCode.OK)
        assert set(codes) == {grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED}
        # A burst of 2, then 1 a second.
        assert 1 <= passed <= 2 + elapsed + 1
        error = await fails(
            stubs.customers.RegisterCustomer(customer_pb2.RegisterCustomerRequest(name="late"), timeout=10)
        )
        assert (error.reason, error.metadata) == ("RATE_LIMITED", {"name": "this address"})


def test_the_peer_address_leaves_the_port_out() -> None:
    assert peer_host("ipv4:127.0.0.1:50123") == peer_host("ipv4:127.0.0.1:50999") == "127.0.0.1"
    assert peer_host("ipv6:[::1]:50123") == peer_host("ipv6:%5B::1%5D:7") == "::1"
    assert peer_host("unix:/tmp/socket") == "unix:/tmp/socket"


@pytest.fixture
async def central() -> AsyncIterator[RunningCentral]:
    async with running_central(
        manufacturer_keys={"acme": "acme-key-123", "Café Bolt": "bolt-key-123"},
        branch_keys={"north": "north-key-123", "south": "south-key-123"},
    ) as rc:
        yield rc


async def _connect(rc: RunningCentral, key: str, name: str) -> manufacturer_pb2.Welcome:
    call: Any = manufacturer_pb2_grpc.ManufacturerLinkServiceStub(rc.channel).Connect(
        metadata=node_metadata(key, name), timeout=10
    )
    try:
        await call.write(manufacturer_pb2.ConnectRequest(hello=manufacturer_pb2.Hello()))
        reply: manufacturer_pb2.ConnectResponse = await call.read()
        return reply.welcome
    finally:
        call.cancel()


async def _denied(call: Any) -> RemoteError:
    try:
        await call
    except grpc.aio.AioRpcError as error:
        remote = from_rpc_error(error)
        assert (remote.code, remote.reason) == (grpc.StatusCode.PERMISSION_DENIED, "KEY_OF_ANOTHER_NAME")
        return remote
    raise AssertionError("the call succeeded")


async def test_a_manufacturer_key_under_another_name_is_refused(central: RunningCentral) -> None:
    assert (await _connect(central, "acme-key-123", "acme")).name == "acme"
    assert (await _connect(central, "bolt-key-123", "Café Bolt")).name == "Café Bolt"
    error = await _denied(_connect(central, "acme-key-123", "Café Bolt"))
    assert error.metadata == {"name": "Café Bolt"}
    await _denied(_connect(central, "bolt-key-123", "acme"))


async def _stream_one_sale(rc: RunningCentral, key: str, name: str) -> int:
    call: Any = branch_pb2_grpc.BranchServiceStub(rc.channel).StreamSales(
        metadata=node_metadata(key, name), timeout=10
    )
    first = await call.read()
    await call.done_writing()
    while await call.read() is not grpc.aio.EOF:
        pass
    return int(first.resume.last_sequence)


async def test_a_branch_key_under_another_name_is_refused(central: RunningCentral) -> None:
    assert await _stream_one_sale(central, "north-key-123", "north") == 0
    await _denied(_stream_one_sale(central, "north-key-123", "south"))
    branches = branch_pb2_grpc.BranchServiceStub(central.channel)
    await _denied(
        branches.ReportInventory(
            branch_pb2.ReportInventoryRequest(branch_name="south"),
            metadata=node_metadata("north-key-123", "south"),
            timeout=10,
        )
    )
    # Under its own name the key works as before.
    await branches.ReportInventory(
        branch_pb2.ReportInventoryRequest(branch_name="north"),
        metadata=node_metadata("north-key-123", "north"),
        timeout=10,
    )
