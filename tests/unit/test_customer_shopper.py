"""The simulated shopper's month against a fake central: wants, stock, drops, replays, pace, closing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc
import pytest

from customer_node.catalog import CatalogLine, CatalogUpdate, CatalogView, MonthState
from customer_node.keys import checkout_key
from customer_node.market import DEFAULT_MARKET_SEED, month_wants
from customer_node.simulate import SimulatedShopper
from customer_node.strategy import Limits, basket_times, month_rng, plan_baskets
from distribution_client import (
    Cart,
    CartLine,
    CartLineState,
    CheckoutResult,
    DroppedLine,
    DropReason,
    Order,
    OrderLine,
)
from nodekit.status import RemoteError
from tests.helpers import assert_eventually

LINES = (
    CatalogLine(1, 1, "apples", "Acme", 100, 50),
    CatalogLine(2, 1, "bread", "Acme", 300, 1),
    CatalogLine(3, 1, "dates", "Bolt", 400, 50),
)


def held(stock_line_id: int, quantity: int) -> CartLine:
    return CartLine("", stock_line_id, "", "", quantity, 0, CartLineState.RESERVED, None)


def precondition(reason: str, message: str, **metadata: str) -> RemoteError:
    return RemoteError(grpc.StatusCode.FAILED_PRECONDITION, message, reason, metadata)


@dataclass
class FakeCatalog:
    """A catalog that never changes while a test runs."""

    view: CatalogView = field(default_factory=CatalogView)

    def __post_init__(self) -> None:
        self.view.apply(CatalogUpdate(True, 1, MonthState.OPEN, LINES))

    async def wait_for_change(self) -> None:
        raise AssertionError("the month is open; the shopper must not wait")


@dataclass
class FakeCentral:
    """Records every call; holds stock per line and answers like the central would."""

    stock: dict[int, int] = field(
        default_factory=lambda: {line.stock_line_id: line.available for line in LINES}
    )
    month_open: bool = True
    drop_on_checkout: bool = False
    calls: list[tuple[object, ...]] = field(default_factory=list)
    on_add: Callable[[], None] | None = None
    refused: list[tuple[int, int]] = field(default_factory=list)
    cart: dict[int, int] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)

    async def add_item(self, stock_line_id: int, quantity: int) -> CartLine:
        self.calls.append(("add", stock_line_id, quantity))
        if self.on_add is not None:
            self.on_add()
        if not self.month_open:
            raise precondition("MONTH_NOT_OPEN", "Month 1 is closed, not open.")
        available = self.stock[stock_line_id]
        if quantity > available:
            self.refused.append((quantity, available))
            raise precondition(
                "INSUFFICIENT_STOCK", "not enough", requested=str(quantity), available=str(available)
            )
        self.stock[stock_line_id] -= quantity
        self.cart[stock_line_id] = self.cart.get(stock_line_id, 0) + quantity
        return held(stock_line_id, quantity)

    async def remove_item(self, stock_line_id: int) -> int:
        self.calls.append(("remove", stock_line_id))
        released = self.cart.pop(stock_line_id, 0)
        self.stock[stock_line_id] += released
        return released

    async def get_cart(self) -> Cart:
        return Cart(tuple(held(key, q) for key, q in self.cart.items()), 0)

    async def checkout(self, idempotency_key: str) -> CheckoutResult:
        self.calls.append(("checkout", idempotency_key))
        if idempotency_key in self.orders:
            earlier = self.orders[idempotency_key]
            if self.cart and self.cart != {line.stock_line_id: line.quantity for line in earlier.lines}:
                raise precondition("IDEMPOTENCY_KEY_REUSED", "The key was used for a different cart.")
            return CheckoutResult(earlier, replayed=True)
        price = {line.stock_line_id: line.unit_price_cents for line in LINES}
        bought = dict(self.cart)
        dropped = []
        if self.drop_on_checkout:
            line_id = min(bought)
            dropped.append(DroppedLine(line_id, "", bought.pop(line_id), 0, DropReason.OUT_OF_STOCK))
        order = Order(
            order_id=f"o{len(self.orders)}",
            month=1,
            lines=tuple(OrderLine(k, "", "", q, price[k]) for k, q in bought.items()),
            dropped_lines=tuple(dropped),
            total_cents=sum(q * price[k] for k, q in bought.items()),
            card_last4="",
            created_at=None,
            idempotency_key=idempotency_key,
        )
        self.orders[idempotency_key] = order
        self.cart.clear()
        return CheckoutResult(order, replayed=False)

    async def finish_shopping(self, month: int) -> int:
        self.calls.append(("finish", month))
        return 1


PLENTY = {1: 50, 2: 50, 3: 50}


def shopper(
    central: FakeCentral,
    seed: int = 1,
    remove_probability: float = 0.15,
    max_picks: int = 1,
    catalog: FakeCatalog | None = None,
    month_seconds: float = 0.0,
) -> SimulatedShopper:
    limits = Limits(
        max_picks=max_picks,
        remove_probability=remove_probability,
        max_think_ms=0,  # no sleeping in unit tests
        month_seconds=month_seconds,
    )
    return SimulatedShopper(
        "ann", seed, central, catalog or FakeCatalog(), limits, empty_grace_s=0.0, market_seed=3
    )


def wants(seed: int) -> dict[str, int]:
    return {w.product: w.quantity for w in month_wants(3, seed, 1, [line.product for line in LINES])}


async def test_same_seed_makes_the_same_calls() -> None:
    first, second = FakeCentral(), FakeCentral()
    await shopper(first, seed=11).shop_month(1)
    await shopper(second, seed=11).shop_month(1)
    assert first.calls == second.calls
    assert first.calls[-1] == ("finish", 1)


async def test_tally_matches_what_was_bought() -> None:
    central = FakeCentral()
    tally = await shopper(central, seed=3).shop_month(1)
    bought = [line for order in central.orders.values() for line in order.lines]
    assert tally.orders == len([o for o in central.orders.values() if o.lines])
    assert tally.units_bought == sum(line.quantity for line in bought)
    assert tally.spent_cents == sum(order.total_cents for order in central.orders.values())
    keys = [call[1] for call in central.calls if call[0] == "checkout"]
    assert keys == [checkout_key("ann", 1, attempt) for attempt in range(len(keys))]


@pytest.mark.parametrize("seed", range(20))
async def test_short_stock_takes_what_is_left_and_counts_the_rest_unmet(seed: int) -> None:
    central = FakeCentral(stock={1: 0, 2: 1, 3: 2})
    tally = await shopper(central, seed=seed, remove_probability=0.0).shop_month(1)
    # After a refusal the shopper takes what is left (exactly the available units here), so
    # the unmet demand is what was asked for minus what was available.
    assert tally.unmet == sum(asked - available for asked, available in central.refused)
    assert tally.units_bought == sum(
        line.quantity for order in central.orders.values() for line in order.lines
    )
    assert all(units >= 0 for units in central.stock.values())


async def test_dropped_lines_count_as_unmet() -> None:
    central = FakeCentral(stock=dict(PLENTY), drop_on_checkout=True)
    tally = await shopper(central, seed=4, remove_probability=0.0, max_picks=3).shop_month(1)
    (order,) = central.orders.values()
    assert tally.unmet == sum(line.requested for line in order.dropped_lines) > 0


async def test_month_closing_ends_shopping_without_finishing() -> None:
    central = FakeCentral(month_open=False)
    tally = await shopper(central).shop_month(1)
    assert tally.orders == 0
    assert [call[0] for call in central.calls] == ["add"]


async def test_replayed_checkout_releases_what_was_reserved_since() -> None:
    central = FakeCentral(stock=dict(PLENTY))
    first = shopper(central, seed=5, remove_probability=0.0, max_picks=3)
    await first.shop_month(1)
    # A restarted process with the same name replays the month: same key, same order.
    again = shopper(central, seed=5, remove_probability=0.0, max_picks=3)
    tally = await again.shop_month(1)
    assert tally.orders == 1
    assert central.cart == {}
    assert len(central.orders) == 1


async def test_reused_key_after_a_restart_with_another_basket_releases_the_cart() -> None:
    central = FakeCentral(stock=dict(PLENTY))
    await shopper(central, seed=5, remove_probability=0.0, max_picks=3).shop_month(1)
    orders_before = dict(central.orders)
    # Same name, other wants (another seed): the key is refused, the new basket is let go, and
    # nothing is bought twice.
    assert wants(5) != wants(8)
    tally = await shopper(central, seed=8, remove_probability=0.0, max_picks=3).shop_month(1)
    assert central.orders == orders_before
    assert tally.orders == 0
    assert central.cart == {}


async def test_the_shopper_asks_for_its_wants_and_finishes_after_the_last_basket() -> None:
    central = FakeCentral(stock=dict(PLENTY))
    tally = await shopper(central, seed=2, remove_probability=0.0).shop_month(1)
    asked = {call[1]: call[2] for call in central.calls if call[0] == "add"}
    by_product = {line.product: line.stock_line_id for line in LINES}
    assert asked == {by_product[product]: units for product, units in wants(2).items()}
    assert tally.units_bought == sum(wants(2).values())
    assert tally.unmet == 0
    assert central.calls[-1] == ("finish", 1)


async def test_a_line_seen_this_month_is_asked_for_after_it_left_the_catalog() -> None:
    # Bread sells out (leaves the catalog) before the shopper's basket: the shopper still asks
    # the line for what it wants, and the refusal is how the central learns of the demand.
    catalog = FakeCatalog()
    central = FakeCentral(stock={1: 50, 2: 0, 3: 50})

    def bread_gone() -> None:
        catalog.view.apply(
            CatalogUpdate(False, 1, MonthState.OPEN, (CatalogLine(2, 1, "bread", "Acme", 300, 0),))
        )

    central.on_add = bread_gone
    tally = await shopper(central, seed=2, remove_probability=0.0, catalog=catalog).shop_month(1)
    assert catalog.view.get(2) is None
    assert ("add", 2, wants(2)["bread"]) in central.calls
    assert tally.unmet == wants(2)["bread"]


async def test_a_change_of_mind_is_put_back_and_never_bought() -> None:
    central = FakeCentral(stock=dict(PLENTY))
    tally = await shopper(central, seed=2, remove_probability=1.0).shop_month(1)
    removed = [call[1] for call in central.calls if call[0] == "remove"]
    assert removed and tally.removed == len(removed)
    assert tally.units_bought == sum(wants(2).values())


@dataclass
class TimedCentral(FakeCentral):
    """Notes the event-loop time of every checkout."""

    checkouts: list[float] = field(default_factory=list)

    async def checkout(self, idempotency_key: str) -> CheckoutResult:
        self.checkouts.append(asyncio.get_running_loop().time())
        return await super().checkout(idempotency_key)


async def test_with_a_month_length_baskets_wait_for_their_moments() -> None:
    month_seconds = 0.4
    central = TimedCentral(stock=dict(PLENTY))
    start = asyncio.get_running_loop().time()
    await shopper(central, seed=2, remove_probability=0.0, month_seconds=month_seconds).shop_month(1, start)
    limits = Limits(max_picks=1, month_seconds=month_seconds)
    rng = month_rng(2, 1)
    moments = basket_times(rng, len(plan_baskets(rng, month_wants(3, 2, 1, wants(2)), limits)), limits)
    assert len(central.checkouts) == len(moments) > 1
    assert all(at >= start + moment for at, moment in zip(central.checkouts, moments, strict=True))


@pytest.mark.parametrize("code", [grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED])
@pytest.mark.parametrize("call", ["add", "checkout", "finish"])
async def test_refused_credentials_end_the_shopping_instead_of_being_shrugged_off(
    code: grpc.StatusCode, call: str
) -> None:
    central = FakeCentral(stock=dict(PLENTY))
    refused = RemoteError(code, "The bearer token is not known.", "", {})

    async def refuse(*_: object) -> object:
        central.calls.append(("refused", call))
        raise refused

    setattr(central, {"add": "add_item", "checkout": "checkout", "finish": "finish_shopping"}[call], refuse)
    with pytest.raises(RemoteError) as caught:
        await shopper(central, seed=5, remove_probability=0.0).shop_month(1)
    assert caught.value is refused
    assert central.calls.count(("refused", call)) == 1  # asked once, never again


@dataclass
class PausingCatalog:
    """An open month the central pauses; the test resumes it once the shopper holds."""

    view: CatalogView = field(default_factory=CatalogView)
    waits: int = 0
    resumed: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.view.apply(CatalogUpdate(True, 1, MonthState.OPEN, LINES, paused=True))

    async def wait_for_change(self) -> None:
        self.waits += 1
        await self.resumed.wait()
        self.view.apply(CatalogUpdate(True, 1, MonthState.OPEN, LINES, paused=False))


async def test_a_paused_month_holds_every_call_until_it_resumes() -> None:
    central, catalog = FakeCentral(), PausingCatalog()
    shopping = asyncio.create_task(
        SimulatedShopper("pat", 1, central, catalog, Limits(max_picks=1, max_think_ms=0)).shop_month(1)
    )

    async def holding() -> None:
        assert catalog.waits > 0

    await assert_eventually(holding, timeout_s=5)
    assert central.calls == []
    catalog.resumed.set()
    await asyncio.wait_for(shopping, 5)
    assert central.calls and central.calls[-1] == ("finish", 1)


async def test_the_month_length_the_central_opened_with_spreads_the_baskets() -> None:
    catalog = FakeCatalog()
    catalog.view.apply(CatalogUpdate(True, 1, MonthState.OPEN, LINES, month_seconds=1))
    central = FakeCentral()
    start = asyncio.get_running_loop().time()
    # Started with a 0.2 s month, the shopper follows the 1 s month the central opened.
    await SimulatedShopper("sam", 4, central, catalog, Limits(max_picks=1, month_seconds=0.2)).shop_month(
        1, start
    )
    rng = month_rng(4, 1)
    wants = month_wants(DEFAULT_MARKET_SEED, 4, 1, {line.product for line in LINES})
    baskets = plan_baskets(rng, wants, Limits(max_picks=1, month_seconds=1))
    last = basket_times(rng, len(baskets), Limits(max_picks=1, month_seconds=1))[-1]
    assert asyncio.get_running_loop().time() - start >= last
    assert last > 0.2
