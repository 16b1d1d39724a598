"""Offer replies in the database: who answered a month's offer request, whichever central it reached."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from central.storage import changes
from central.storage.schema import manufacturers, offer_replies


def record_reply(connection: Connection, month: int, name: str, accepted: bool, now: datetime) -> None:
    """Notes the manufacturer's answer to ``month``'s request (the first answer counts)."""
    manufacturer_id = connection.execute(
        select(manufacturers.c.manufacturer_id).where(manufacturers.c.name == name)
    ).scalar()
    if manufacturer_id is None:
        return
    known = connection.execute(
        select(offer_replies.c.accepted).where(
            offer_replies.c.month == month, offer_replies.c.manufacturer_id == manufacturer_id
        )
    ).first()
    if known is None:
        connection.execute(
            offer_replies.insert().values(
                month=month, manufacturer_id=manufacturer_id, accepted=accepted, at=now
            )
        )
        changes.offers(connection)


def replies(connection: Connection, month: int, names: Collection[str]) -> dict[str, bool]:
    """Name -> accepted, for those of ``names`` that answered ``month``'s request."""
    rows = connection.execute(
        select(manufacturers.c.name, offer_replies.c.accepted)
        .join(offer_replies, offer_replies.c.manufacturer_id == manufacturers.c.manufacturer_id)
        .where(offer_replies.c.month == month, manufacturers.c.name.in_(list(names)))
    ).all()
    return {str(name): bool(accepted) for name, accepted in rows}
