"""The client package's policy table: complete, and a write retried only with its idempotency key."""

from __future__ import annotations

import grpc

from distribution_client import POLICIES, CentralService, Retry
from distribution_client.policy import READ_DEADLINE_S, WRITE_DEADLINE_S
from generated.distribution.v1 import (
    branch_pb2,
    cart_pb2,
    catalog_pb2,
    customer_pb2,
    manufacturer_pb2,
    month_pb2,
    order_pb2,
    report_pb2,
)

MODULES = (
    branch_pb2,
    cart_pb2,
    catalog_pb2,
    customer_pb2,
    manufacturer_pb2,
    month_pb2,
    order_pb2,
    report_pb2,
)


def every_method() -> dict[str, bool]:
    """``package.Service/Rpc`` -> whether it streams, from the protos' descriptors."""
    methods: dict[str, bool] = {}
    for module in MODULES:
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                streams = method.client_streaming or method.server_streaming
                methods[f"{service.full_name}/{method.name}"] = streams
    return methods


def test_every_rpc_of_the_protos_has_exactly_one_entry() -> None:
    assert set(POLICIES) == set(every_method())


def test_streams_have_no_deadline_and_are_never_repeated_by_the_table() -> None:
    for name, streams in every_method().items():
        policy = POLICIES[name]
        if streams:
            assert (policy.retry, policy.deadline_s) == (Retry.NEVER, None), name
        else:
            assert policy.deadline_s in (READ_DEADLINE_S, WRITE_DEADLINE_S), name


def test_only_the_keyed_checkout_is_repeated_when_cut_off() -> None:
    keyed = {name for name, policy in POLICIES.items() if policy.retry is Retry.KEYED}
    assert keyed == {"distribution.v1.OrderService/Checkout"}


def test_writes_without_a_key_are_made_once() -> None:
    once = {name.rsplit("/", 1)[1] for name, policy in POLICIES.items() if policy.retry is Retry.NEVER}
    assert once == {
        "RegisterCustomer",
        "UpdatePaymentCard",
        "FinishShopping",
        "AddCartItem",
        "RemoveCartItem",
        "OpenMonth",
        "CloseMonth",
        "PauseMonth",
        "ResumeMonth",
        "SubmitOffer",
        "WatchCatalog",
        "StreamSales",
        "Connect",
    }


async def test_the_service_names_each_of_its_stub_methods_by_its_table_key() -> None:
    channel = grpc.aio.insecure_channel("127.0.0.1:1")
    try:
        service = CentralService(channel)
        assert service.method_name(service.orders.Checkout) == "distribution.v1.OrderService/Checkout"
        assert service.method_name(service.link.Connect) == "distribution.v1.ManufacturerLinkService/Connect"
        stubs: tuple[object, ...] = (service.customers, service.catalog, service.carts, service.orders)
        stubs += (service.months, service.reports, service.branches, service.link)
        named = {service.method_name(rpc) for stub in stubs for rpc in vars(stub).values()}
        assert named == set(POLICIES)
    finally:
        await channel.close()
