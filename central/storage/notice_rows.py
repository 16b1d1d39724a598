"""Queues a durable notification for a manufacturer (replayed on its link until acknowledged)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from central.storage import changes
from central.storage.schema import notifications


def queue_notification(
    connection: Connection, manufacturer_id: int, kind: str, payload: str, now: datetime
) -> None:
    """Adds the notification in the caller's transaction, and notes it for the other centrals."""
    connection.execute(
        insert(notifications).values(
            manufacturer_id=manufacturer_id, kind=kind, payload=payload, created_at=now
        )
    )
    changes.notices(connection, (manufacturer_id,))
