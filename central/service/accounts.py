"""Accounts: customer registration and cards, configured manufacturer/branch keys, token lookup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from central.domain import rules
from central.domain.cards import NO_CARD, accept_card
from central.settings import CentralSettings
from central.storage import accounts as rows
from nodekit.auth import Principal, Role, new_token, token_digest
from nodekit.db.writer import WriteQueue
from nodekit.errors import not_found
from nodekit.ids import new_id


@dataclass(frozen=True, slots=True)
class Registration:
    """A new customer and its token (shown once)."""

    customer_id: str
    token: str
    card_last4: str


@dataclass(frozen=True, slots=True)
class CardInput:
    """A card as typed by the customer."""

    number: str
    expiry_month: int
    expiry_year: int


class Accounts:
    """Who may call: customers register; operator, manufacturer and branch keys are configured.

    Args:
        settings: The configured keys (operator, manufacturers) and the card key.
        engine: Reads the customers' token digests.
        writer: The group-commit writer customers and manufacturers are recorded in.
        clock: Aware UTC now.
    """

    def __init__(
        self,
        settings: CentralSettings,
        engine: AsyncEngine,
        writer: WriteQueue,
        clock: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._engine = engine
        self._writer = writer
        self._clock = clock
        self._principals: dict[str, Principal] = {}

    async def load_configured(self) -> None:
        """Registers the operator key and upserts the configured manufacturers with their keys."""
        settings = self._settings
        if settings.operator_key:
            self._principals[token_digest(settings.operator_key)] = Principal(
                Role.OPERATOR, "operator", "operator"
            )
        now = self._clock()
        keys = dict(settings.manufacturer_keys)
        digests = {name: token_digest(key) for name, key in keys.items()}
        ids = await self._writer.run(lambda c: rows.upsert_manufacturer_keys(c, digests, now))
        for name, manufacturer_id in ids.items():
            self._principals[token_digest(keys[name])] = Principal(
                Role.MANUFACTURER, str(manufacturer_id), name
            )

    def add_principal(self, key: str, principal: Principal) -> None:
        """Lets another part (branches) register a configured key."""
        self._principals[token_digest(key)] = principal

    async def authenticate(self, token: str) -> Principal | None:
        """The principal for a bearer token, or None when it is unknown."""
        digest = token_digest(token)
        known = self._principals.get(digest)
        if known is not None:
            return known
        async with self._engine.connect() as connection:
            found = await connection.run_sync(rows.customer_by_token, digest)
        if found is None:
            return None
        principal = Principal(Role.CUSTOMER, *found)
        self._principals[digest] = principal
        return principal

    async def register(self, name: str, card: CardInput | None) -> Registration:
        """Creates a customer; a card, when given, must be valid (Luhn, not expired)."""
        name = rules.name(name, "customer name")
        stored = NO_CARD
        if card is not None:
            stored = accept_card(
                card.number,
                card.expiry_month,
                card.expiry_year,
                self._clock().date(),
                self._settings.card_key,
            )
        customer_id = new_id()
        token = new_token()
        now = self._clock()
        digest = token_digest(token)
        await self._writer.run(lambda c: rows.insert_customer(c, customer_id, name, digest, stored, now))
        self._principals[digest] = Principal(Role.CUSTOMER, customer_id, name)
        return Registration(customer_id, token, stored.last4)

    async def update_card(self, customer_id: str, card: CardInput) -> str:
        """Replaces the customer's card; returns its last four digits."""
        stored = accept_card(
            card.number,
            card.expiry_month,
            card.expiry_year,
            self._clock().date(),
            self._settings.card_key,
        )

        def store(connection: Connection) -> None:
            if not rows.store_card(connection, customer_id, stored):
                raise not_found("CUSTOMER_NOT_FOUND", "The customer does not exist.")

        await self._writer.run(store)
        return stored.last4
