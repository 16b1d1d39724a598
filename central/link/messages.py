"""What the central sends down a manufacturer's stream, as plain values (the servicer converts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from central.domain.notices import Notice


@dataclass(frozen=True, slots=True)
class OfferAsk:
    """Please send your offer for ``month`` within ``deadline_ms``."""

    request_id: str
    month: int
    deadline_ms: int


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A durable notification: its outbox id and what it says."""

    notification_id: int
    notice: Notice


Outgoing = OfferAsk | OutboxItem


@dataclass(frozen=True, slots=True)
class ManufacturerLink:
    """A configured manufacturer as the operator sees it."""

    manufacturer_id: int
    name: str
    connected: bool
    last_seen_at: datetime | None
    pending_notifications: int
