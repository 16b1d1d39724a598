"""The simulated shopper's month against a fake central: stock errors, drops, replays, closing."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
import pytest

from customer_node.catalog import CatalogLine, CatalogUpdate, CatalogView, MonthState
from customer_node.keys import checkout_key
from customer_node.simulate import Shopper
from customer_node.strategy import Limits
from generated.distribution.v1 import cart_pb2, order_pb2
from nodekit.status import RemoteError

LINES = (
    CatalogLine(1, 1, "apples", "Acme", 100, 50),
    CatalogLine(2, 1, "bread", "Acme", 300, 1),
    CatalogLine(3, 1, "dates", "Bolt", 400, 50),
)


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
    refused: list[tuple[int, int]] = field(default_factory=list)
    cart: dict[int, int] = field(default_factory=dict)
    orders: dict[str, order_pb2.Order] = field(default_factory=dict)

    async def add_item(self, stock_line_id: int, quantity: int) -> cart_pb2.CartLine:
        self.calls.append(("add", stock_line_id, quantity))
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
        return cart_pb2.CartLine(stock_line_id=stock_line_id, quantity=quantity)

    async def remove_item(self, stock_line_id: int) -> int:
        self.calls.append(("remove", stock_line_id))
        released = self.cart.pop(stock_line_id, 0)
        self.stock[stock_line_id] += released
        return released

    async def get_cart(self) -> cart_pb2.GetCartResponse:
        return cart_pb2.GetCartResponse(
            lines=[cart_pb2.CartLine(stock_line_id=key, quantity=q) for key, q in self.cart.items()]
        )

    async def checkout(self, idempotency_key: str) -> order_pb2.CheckoutResponse:
        self.calls.append(("checkout", idempotency_key))
        if idempotency_key in self.orders:
            earlier = self.orders[idempotency_key]
            if self.cart and self.cart != {line.stock_line_id: line.quantity for line in earlier.lines}:
                raise precondition("IDEMPOTENCY_KEY_REUSED", "The key was used for a different cart.")
            return order_pb2.CheckoutResponse(order=earlier, replayed=True)
        price = {line.stock_line_id: line.unit_price_cents for line in LINES}
        bought = dict(self.cart)
        dropped = []
        if self.drop_on_checkout:
            line_id = min(bought)
            dropped.append(order_pb2.DroppedLine(stock_line_id=line_id, requested=bought.pop(line_id)))
        order = order_pb2.Order(
            order_id=f"o{len(self.orders)}",
            lines=[
                order_pb2.OrderLine(stock_line_id=k, quantity=q, unit_price_cents=price[k])
                for k, q in bought.items()
            ],
            dropped_lines=dropped,
            total_cents=sum(q * price[k] for k, q in bought.items()),
        )
        self.orders[idempotency_key] = order
        self.cart.clear()
        return order_pb2.CheckoutResponse(order=order)

    async def finish_shopping(self, month: int) -> int:
        self.calls.append(("finish", month))
        return 1


def shopper(
    central: FakeCentral, seed: int = 1, remove_probability: float = 0.15, max_baskets: int = 3
) -> Shopper:
    limits = Limits(
        max_quantity=3,
        max_baskets=max_baskets,
        remove_probability=remove_probability,
        max_think_ms=0,  # no sleeping in unit tests
    )
    return Shopper("ann", seed, central, FakeCatalog(), limits, empty_grace_s=0.0)


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
    central = FakeCentral(stock={1: 50, 2: 50, 3: 50}, drop_on_checkout=True)
    tally = await shopper(central, seed=4, remove_probability=0.0, max_baskets=1).shop_month(1)
    (order,) = central.orders.values()
    assert tally.unmet == sum(line.requested for line in order.dropped_lines) > 0


async def test_month_closing_ends_shopping_without_finishing() -> None:
    central = FakeCentral(month_open=False)
    tally = await shopper(central).shop_month(1)
    assert tally.orders == 0
    assert [call[0] for call in central.calls] == ["add"]


async def test_replayed_checkout_releases_what_was_reserved_since() -> None:
    central = FakeCentral()
    first = shopper(central, seed=5, remove_probability=0.0, max_baskets=1)
    await first.shop_month(1)
    # A restarted process with the same name replays the month: same key, same order.
    again = shopper(central, seed=5, remove_probability=0.0, max_baskets=1)
    tally = await again.shop_month(1)
    assert tally.orders == 1
    assert central.cart == {}
    assert len(central.orders) == 1


async def test_reused_key_after_a_restart_with_another_basket_releases_the_cart() -> None:
    central = FakeCentral()
    await shopper(central, seed=5, remove_probability=0.0, max_baskets=1).shop_month(1)
    orders_before = dict(central.orders)
    # Same name, other choices (as if the catalog had changed): the key is refused, the new
    # basket is let go, and nothing is bought twice.
    tally = await shopper(central, seed=8, remove_probability=0.0, max_baskets=1).shop_month(1)
    assert central.orders == orders_before
    assert tally.orders == 0
    assert central.cart == {}
