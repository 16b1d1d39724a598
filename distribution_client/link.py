"""A manufacturer's link: the one stream on which it offers and hears its notifications."""

from __future__ import annotations

from collections.abc import Iterable

import grpc

from distribution_client.convert import from_proto, to_proto
from distribution_client.records import (
    Hello,
    LinkMessage,
    LinkReply,
    Notice,
    NotificationAck,
    OfferLine,
    OfferReply,
)
from distribution_client.service import CentralService
from distribution_client.stream_write import write_or_raise_end
from generated.distribution.v1 import manufacturer_pb2
from nodekit.auth import bearer_metadata, node_metadata

__all__ = ["LinkCall", "ManufacturerLink", "OpenLink"]

LinkCall = grpc.aio.StreamStreamCall[manufacturer_pb2.ConnectRequest, manufacturer_pb2.ConnectResponse]


class OpenLink:
    """One session of the link in plain records: ``send`` a ``LinkReply``, ``receive`` a ``LinkMessage``.

    A failed call raises ``grpc.aio.AioRpcError`` with the central's status, or ``StreamEnded``.
    """

    def __init__(self, call: LinkCall) -> None:
        self._call = call

    async def send(self, message: LinkReply) -> None:
        """Writes one message; if the stream has already ended, raises how it ended instead.

        Raises:
            StreamEnded: When the stream ended without a status from the central.
            grpc.aio.AioRpcError: With the status the central ended the stream with.
        """
        await write_or_raise_end(self._call, to_proto.link_request(message))

    async def receive(self) -> LinkMessage | None:
        """The central's next message (kinds this client does not know are skipped); None at the end."""
        while isinstance(message := await self._call.read(), manufacturer_pb2.ConnectResponse):
            record = from_proto.link_message(message)
            if record is not None:
                return record
        return None

    def cancel(self) -> None:
        """Ends the session from this side."""
        self._call.cancel()


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

    def open(self) -> OpenLink:
        """Opens a session (no deadline: it lives as long as the process); send ``Hello()`` first."""
        return OpenLink(self.connect())

    def connect(self) -> LinkCall:
        """Opens the stream as the wire call (``open`` gives it in records); send ``hello()`` first."""
        return self._service.link.Connect(metadata=self._metadata)

    @staticmethod
    def hello() -> manufacturer_pb2.ConnectRequest:
        """The first message of a session."""
        return to_proto.link_request(Hello())

    @staticmethod
    def offer(request_id: str, month: int, lines: Iterable[OfferLine]) -> manufacturer_pb2.ConnectRequest:
        """The answer to an offer request."""
        return to_proto.link_request(OfferReply(request_id, month, tuple(lines)))

    @staticmethod
    def ack(notification_id: int) -> manufacturer_pb2.ConnectRequest:
        """Says a notification was applied (sent only after applying it: a crash means a replay)."""
        return to_proto.link_request(NotificationAck(notification_id))

    @staticmethod
    def notice(note: manufacturer_pb2.Notification) -> Notice:
        """A notification's payload as a record."""
        return from_proto.notice(note)
