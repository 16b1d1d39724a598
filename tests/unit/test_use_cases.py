"""Use cases with a fake clock: reservation expiry and checkout rules (on a throwaway SQLite file)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from central.service.accounts import Accounts, CardInput
from central.service.book import StockBook
from central.service.cart import Cart
from central.service.checkout import Checkout
from central.service.events import EventBus
from central.service.expiry import ExpirySweeper
from central.service.hub import CatalogHub
from central.service.months import MonthDesk
from central.service.offers import OfferDesk, OfferLineInput
from central.settings import CentralSettings
from central.storage.schema import metadata
from nodekit.db.engine import create_engine, sqlite_url
from nodekit.db.schema import create_schema
from nodekit.db.writer import WriteQueue
from nodekit.errors import DomainError

CARD = CardInput("4242424242424242", 12, 2030)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class NoManufacturerLinks:
    """The month desk's collector in these tests: no manufacturer is asked for offers."""

    async def collect(self, month: int, deadline_s: float) -> tuple[list[str], list[str]]:
        return [], []

    def relay(self, month: int, due_at: datetime) -> None:
        return None


@dataclass
class World:
    clock: FakeClock
    book: StockBook
    accounts: Accounts
    months: MonthDesk
    offers: OfferDesk
    cart: Cart
    checkout: Checkout
    sweeper: ExpirySweeper


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    settings = CentralSettings(db_url=sqlite_url(str(tmp_path / "u.sqlite3")), reservation_ttl_s=60)
    engine = create_engine(settings.db_url)
    await create_schema(engine, metadata)
    writer = WriteQueue(engine)
    await writer.start()
    clock = FakeClock()
    book, hub, events = StockBook(), CatalogHub(), EventBus()
    accounts = Accounts(settings, engine, writer, clock)
    months = MonthDesk(
        engine, writer, book, hub, events, clock, NoManufacturerLinks(), settings.offer_deadline_ms
    )
    yield World(
        clock,
        book,
        accounts,
        months,
        OfferDesk(writer, book, hub, clock),
        Cart(engine, writer, book, hub, clock, settings.reservation_ttl_s),
        Checkout(engine, writer, book, hub, events, clock, months.after_sales),
        ExpirySweeper(
            engine,
            writer,
            book,
            hub,
            clock,
            interval_s=settings.sweep_interval_s,
            ttl_s=settings.reservation_ttl_s,
        ),
    )
    await months.stop()
    await writer.stop()
    await engine.dispose()


async def _month_with(world: World, quantity: int) -> int:
    opened = await world.months.open_month(1, 0, 0)
    (line,) = await world.offers.submit_offer("Acme", opened.month, [OfferLineInput("bolts", quantity, 100)])
    return line.stock_line_id


async def test_reservation_expires_after_its_ttl(world: World) -> None:
    line_id = await _month_with(world, 5)
    ann = await world.accounts.register("ann", CARD)
    await world.cart.add(ann.customer_id, line_id, 4)
    world.clock.advance(59)
    assert await world.sweeper.sweep_once() == 0
    world.clock.advance(2)
    assert await world.sweeper.sweep_once() == 4
    assert world.book.line(line_id).available == 5
    (view,) = await world.cart.view(ann.customer_id)
    assert view.expired


async def test_expired_reservation_is_retaken_at_checkout_if_still_there(world: World) -> None:
    line_id = await _month_with(world, 5)
    ann = await world.accounts.register("ann", CARD)
    await world.cart.add(ann.customer_id, line_id, 2)
    world.clock.advance(120)  # past the TTL, not yet swept
    result = await world.checkout.checkout(ann.customer_id, "retake-key-1")
    assert [(line.product, line.quantity) for line in result.order.lines] == [("bolts", 2)]
    line = world.book.line(line_id)
    assert (line.reserved, line.sold) == (0, 2)


async def test_checkout_rules(world: World) -> None:
    line_id = await _month_with(world, 5)
    ann = await world.accounts.register("ann", CARD)
    cara = await world.accounts.register("cara", None)
    with pytest.raises(DomainError, match="empty"):
        await world.checkout.checkout(ann.customer_id, "empty-cart-1")
    await world.cart.add(cara.customer_id, line_id, 1)
    with pytest.raises(DomainError) as no_card:
        await world.checkout.checkout(cara.customer_id, "no-card-key-1")
    assert no_card.value.reason == "PAYMENT_CARD_REQUIRED"
    await world.accounts.update_card(cara.customer_id, CARD)
    first = await world.checkout.checkout(cara.customer_id, "now-with-card")
    again = await world.checkout.checkout(cara.customer_id, "now-with-card")
    assert again.replayed and again.order == first.order
    assert world.book.line(line_id).sold == 1
