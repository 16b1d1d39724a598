"""The converters of the two streams (a manufacturer's link, a branch's sales), each way, field by field."""

from __future__ import annotations

from datetime import UTC, datetime

from distribution_client import (
    DepletionNotice,
    Hello,
    Notification,
    NotificationAck,
    OfferLine,
    OfferReply,
    OfferRequest,
    Sale,
    SaleAck,
    SaleAcks,
    SaleItem,
    SalesResume,
    Welcome,
)
from distribution_client.convert import from_proto, from_proto_branch, to_proto
from generated.distribution.v1 import branch_pb2, manufacturer_pb2

TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def test_what_a_manufacturer_sends_goes_out_as_its_kind() -> None:
    assert to_proto.link_request(Hello()).WhichOneof("message") == "hello"
    offer = to_proto.link_request(OfferReply("r-1", 4, (OfferLine("jam", 5, 300), OfferLine("tea", 2, 150))))
    assert (offer.offer.request_id, offer.offer.month) == ("r-1", 4)
    assert [(x.product, x.quantity, x.unit_price_cents) for x in offer.offer.lines] == [
        ("jam", 5, 300),
        ("tea", 2, 150),
    ]
    assert to_proto.link_request(NotificationAck(17)).ack.notification_id == 17


def test_what_the_central_sends_on_a_link_arrives_as_records() -> None:
    welcome = manufacturer_pb2.ConnectResponse(
        welcome=manufacturer_pb2.Welcome(manufacturer_id=3, name="Acme")
    )
    assert from_proto.link_message(welcome) == Welcome(3, "Acme")
    ask = manufacturer_pb2.ConnectResponse(
        offer_request=manufacturer_pb2.OfferRequest(request_id="r-2", month=5, deadline_ms=900)
    )
    assert from_proto.link_message(ask) == OfferRequest("r-2", 5)
    note = manufacturer_pb2.ConnectResponse(
        notification=manufacturer_pb2.Notification(
            notification_id=8,
            depletion=manufacturer_pb2.Depletion(month=5, stock_line_id=7, product="jam", quantity_sold=5),
        )
    )
    assert from_proto.link_message(note) == Notification(8, DepletionNotice(5, 7, "jam", 5))


def test_a_link_message_of_no_known_kind_is_none() -> None:
    assert from_proto.link_message(manufacturer_pb2.ConnectResponse()) is None


def test_a_streamed_sale_carries_its_trace_parent() -> None:
    sale = Sale(
        "t-1",
        1,
        datetime(2025, 5, 6, tzinfo=UTC),
        "2025-05-06",
        (SaleItem("jam", 1, 400),),
        400,
        0,
        400,
        "cash",
        "",
    )
    assert to_proto.sale_request(sale).sale.trace_parent == ""
    message = to_proto.sale_request(sale, TRACE)
    assert (message.sale.transaction_id, message.sale.trace_parent) == ("t-1", TRACE)


def test_what_the_central_sends_on_a_sales_stream_arrives_as_records() -> None:
    resume = branch_pb2.StreamSalesResponse(resume=branch_pb2.SalesResume(last_sequence=41))
    assert from_proto_branch.sales_reply(resume) == SalesResume(41)
    acks = branch_pb2.StreamSalesResponse(
        acks=branch_pb2.SaleAcks(
            acks=[
                branch_pb2.SaleAck(sequence=42, transaction_id="t-42"),
                branch_pb2.SaleAck(sequence=43, transaction_id="t-43", duplicate=True),
            ]
        )
    )
    assert from_proto_branch.sales_reply(acks) == SaleAcks(
        (SaleAck(42, "t-42", False), SaleAck(43, "t-43", True))
    )
    assert from_proto_branch.sales_reply(branch_pb2.StreamSalesResponse()) is None
