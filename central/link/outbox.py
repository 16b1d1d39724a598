"""The notification outbox's reads and writes (sync functions for the writer or a reader)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Connection

from central.domain.notices import decode
from central.link.messages import OutboxItem
from central.storage import changes
from central.storage.schema import manufacturers, notifications

# Enough for any realistic backlog in one read; the rest follows on the next wake-up.
PAGE = 500


def pending(connection: Connection, manufacturer_id: int, after_id: int) -> list[OutboxItem]:
    """Unacknowledged notifications with an id above ``after_id``, oldest first."""
    rows = connection.execute(
        select(notifications.c.notification_id, notifications.c.kind, notifications.c.payload)
        .where(
            notifications.c.manufacturer_id == manufacturer_id,
            notifications.c.acked_at.is_(None),
            notifications.c.notification_id > after_id,
        )
        .order_by(notifications.c.notification_id)
        .limit(PAGE)
    ).all()
    return [OutboxItem(int(r.notification_id), decode(str(r.kind), str(r.payload))) for r in rows]


def acknowledge(connection: Connection, manufacturer_id: int, notification_id: int, now: datetime) -> bool:
    """Marks one of the manufacturer's notifications acknowledged; False if unknown or done."""
    result = connection.execute(
        update(notifications)
        .where(
            notifications.c.notification_id == notification_id,
            notifications.c.manufacturer_id == manufacturer_id,
            notifications.c.acked_at.is_(None),
        )
        .values(acked_at=now)
    )
    return result.rowcount == 1


def touch(connection: Connection, manufacturer_id: int, now: datetime) -> None:
    """Records when the manufacturer was last heard from."""
    connection.execute(
        update(manufacturers)
        .where(manufacturers.c.manufacturer_id == manufacturer_id)
        .values(last_seen_at=now)
    )


def link_at(
    connection: Connection, manufacturer_id: int, central_id: str | None, only_if: str | None = None
) -> None:
    """Notes which central the manufacturer's stream is at (None: none); ``only_if`` guards a detach."""
    update_link = update(manufacturers).where(manufacturers.c.manufacturer_id == manufacturer_id)
    if only_if is not None:
        update_link = update_link.where(manufacturers.c.linked_to == only_if)
    connection.execute(update_link.values(linked_to=central_id))
    changes.links(connection)


def linked_elsewhere(connection: Connection, central_id: str) -> set[int]:
    """Manufacturers whose stream is at another central that is alive (its change feed is connected)."""
    if connection.dialect.name != "postgresql":
        return set()
    rows = connection.execute(
        text(
            "SELECT m.manufacturer_id FROM manufacturers m WHERE m.linked_to IS NOT NULL"
            " AND m.linked_to <> :me AND EXISTS (SELECT 1 FROM pg_stat_activity a"
            " WHERE a.application_name = 'central-' || m.linked_to)"
        ),
        {"me": central_id},
    ).all()
    return {int(r[0]) for r in rows}


def overview(connection: Connection, names: Collection[str]) -> list[tuple[int, str, datetime | None, int]]:
    """(id, name, last_seen_at, pending count) for the named manufacturers, by name."""
    waiting = (
        select(notifications.c.manufacturer_id, func.count().label("n"))
        .where(notifications.c.acked_at.is_(None))
        .group_by(notifications.c.manufacturer_id)
        .subquery()
    )
    rows = connection.execute(
        select(
            manufacturers.c.manufacturer_id,
            manufacturers.c.name,
            manufacturers.c.last_seen_at,
            func.coalesce(waiting.c.n, 0),
        )
        .outerjoin(waiting, waiting.c.manufacturer_id == manufacturers.c.manufacturer_id)
        .where(manufacturers.c.name.in_(list(names)))
        .order_by(manufacturers.c.name)
    ).all()
    return [(int(r[0]), str(r[1]), r[2], int(r[3])) for r in rows]
