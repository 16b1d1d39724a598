"""Account rows: manufacturers with their key digests, customers with their token digest and card."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from central.domain.cards import StoredCard
from central.storage.schema import customers, manufacturers
from central.storage.serialize import Exclusive, one_at_a_time


def upsert_manufacturer_keys(
    connection: Connection, digests: dict[str, str], now: datetime
) -> dict[str, int]:
    """Creates or updates each named manufacturer with its key digest; returns their ids by name."""
    one_at_a_time(connection, Exclusive.MANUFACTURERS)
    ids: dict[str, int] = {}
    for name, digest in digests.items():
        row = connection.execute(
            select(manufacturers.c.manufacturer_id).where(manufacturers.c.name == name)
        ).first()
        if row is None:
            ids[name] = connection.execute(
                insert(manufacturers).values(name=name, key_digest=digest, created_at=now)
            ).inserted_primary_key[0]  # type: ignore[index]
        else:
            connection.execute(
                update(manufacturers)
                .where(manufacturers.c.manufacturer_id == row[0])
                .values(key_digest=digest)
            )
            ids[name] = row[0]
    return ids


def customer_by_token(connection: Connection, digest: str) -> tuple[str, str] | None:
    """(customer id, name) of the customer whose token has this digest, or None."""
    row = connection.execute(
        select(customers.c.customer_id, customers.c.name).where(customers.c.token_digest == digest)
    ).first()
    return None if row is None else (str(row.customer_id), str(row.name))


def insert_customer(
    connection: Connection, customer_id: str, name: str, digest: str, card: StoredCard, now: datetime
) -> None:
    """Stores a new customer with its token digest and card (maybe none)."""
    connection.execute(
        insert(customers).values(
            customer_id=customer_id,
            name=name,
            token_digest=digest,
            card_last4=card.last4,
            card_fingerprint=card.fingerprint,
            card_expiry_year=card.expiry_year,
            card_expiry_month=card.expiry_month,
            created_at=now,
        )
    )


def store_card(connection: Connection, customer_id: str, card: StoredCard) -> bool:
    """Replaces the customer's card; False when there is no such customer."""
    result = connection.execute(
        update(customers)
        .where(customers.c.customer_id == customer_id)
        .values(
            card_last4=card.last4,
            card_fingerprint=card.fingerprint,
            card_expiry_year=card.expiry_year,
            card_expiry_month=card.expiry_month,
        )
    )
    return bool(result.rowcount == 1)
