"""A manufacturer's link: the one stream on which it offers and hears its notifications."""

from __future__ import annotations

from collections.abc import Iterable

import grpc

from distribution_client.convert import from_proto, to_proto
from distribution_client.records import Notice, OfferLine
from distribution_client.service import CentralService
from generated.distribution.v1 import manufacturer_pb2
from nodekit.auth import bearer_metadata, node_metadata

__all__ = ["LinkCall", "ManufacturerLink"]

LinkCall = grpc.aio.StreamStreamCall[manufacturer_pb2.ConnectRequest, manufacturer_pb2.ConnectResponse]


class ManufacturerLink:
    """Opens a manufacturer's stream and spells its messages; the session loop is the manufacturer's.

    Args:
        service: The central's services on an open channel.
        key: The manufacturer's configured key.
        name: The name it runs under; the central refuses the key under another name.
    """

    def __init__(self, service: CentralService, key: str, name: str = "") -> None:
        self._service = service
        self._metadata = node_metadata(key, name) if name else bearer_metadata(key)

    def connect(self) -> LinkCall:
        """Opens the stream (no deadline: it lives as long as the process); send ``hello()`` first."""
        return self._service.link.Connect(metadata=self._metadata)

    @staticmethod
    def hello() -> manufacturer_pb2.ConnectRequest:
        """The first message of a session."""
        return manufacturer_pb2.ConnectRequest(hello=manufacturer_pb2.Hello())

    @staticmethod
    def offer(request_id: str, month: int, lines: Iterable[OfferLine]) -> manufacturer_pb2.ConnectRequest:
        """The answer to an offer request."""
        reply = manufacturer_pb2.OfferReply(
            request_id=request_id, month=month, lines=to_proto.offer_lines(lines)
        )
        return manufacturer_pb2.ConnectRequest(offer=reply)

    @staticmethod
    def ack(notification_id: int) -> manufacturer_pb2.ConnectRequest:
        """Says a notification was applied (sent only after applying it: a crash means a replay)."""
        return manufacturer_pb2.ConnectRequest(
            ack=manufacturer_pb2.NotificationAck(notification_id=notification_id)
        )

    @staticmethod
    def notice(note: manufacturer_pb2.Notification) -> Notice:
        """A notification's payload as a record."""
        return from_proto.notice(note)
