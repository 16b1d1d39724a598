"""What travels on a manufacturer's link each way: hello, offers, acks; welcome, offer requests, notices."""

from __future__ import annotations

from dataclasses import dataclass

from distribution_client.records.month import Advice, ProductOutcome

__all__ = [
    "DepletionNotice",
    "Hello",
    "LinkMessage",
    "LinkReply",
    "Notice",
    "Notification",
    "NotificationAck",
    "OfferLine",
    "OfferReply",
    "OfferRequest",
    "ReportNotice",
    "Welcome",
]


@dataclass(frozen=True, slots=True)
class OfferLine:
    """Units of a product a manufacturer offers for a month, at a unit price."""

    product: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True, slots=True)
class DepletionNotice:
    """A stock line of the manufacturer sold out."""

    month: int
    stock_line_id: int
    product: str
    quantity_sold: int


@dataclass(frozen=True, slots=True)
class ReportNotice:
    """A closed month's results for the manufacturer and what to produce next."""

    month: int
    results: tuple[ProductOutcome, ...]
    advice: tuple[Advice, ...]


Notice = DepletionNotice | ReportNotice
"""A notification's payload."""


@dataclass(frozen=True, slots=True)
class Welcome:
    """The central's first message on a link: the manufacturer it knows the key as."""

    manufacturer_id: int
    name: str


@dataclass(frozen=True, slots=True)
class OfferRequest:
    """The central asks what the manufacturer offers for a month (answer with an ``OfferReply``)."""

    request_id: str
    month: int


@dataclass(frozen=True, slots=True)
class Notification:
    """A notice the central keeps until the manufacturer acknowledges it (it may come again)."""

    notification_id: int
    notice: Notice


LinkMessage = Welcome | OfferRequest | Notification
"""What the central sends on a link."""


@dataclass(frozen=True, slots=True)
class Hello:
    """The first message of a session."""


@dataclass(frozen=True, slots=True)
class OfferReply:
    """The answer to an offer request."""

    request_id: str
    month: int
    lines: tuple[OfferLine, ...]


@dataclass(frozen=True, slots=True)
class NotificationAck:
    """Says a notification was applied (sent only after applying it: a crash means a replay)."""

    notification_id: int


LinkReply = Hello | OfferReply | NotificationAck
"""What a manufacturer sends on its link."""
