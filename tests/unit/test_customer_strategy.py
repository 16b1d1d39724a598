"""The month's shopping plan: baskets from the wants, their moments over the month, lines, impulses."""

from __future__ import annotations

import random

from customer_node.catalog import CatalogLine
from customer_node.market import Want
from customer_node.strategy import (
    END_SHARE,
    IMPULSE_MIN_AVAILABLE,
    START_SHARE,
    Limits,
    basket_times,
    impulse_line,
    lines_for,
    month_rng,
    plan_baskets,
    think_seconds,
)

WANTS = [Want(p, q) for p, q in [("apples", 3), ("bread", 5), ("cheese", 1), ("dates", 9), ("eggs", 2)]]


def line(line_id: int, product: str, price: int, available: int = 10, maker: str = "") -> CatalogLine:
    return CatalogLine(line_id, 1, product, maker or f"maker{line_id}", price, available)


def test_every_want_lands_in_exactly_one_basket_of_bounded_size() -> None:
    baskets = plan_baskets(month_rng(1, 1), WANTS, Limits(max_picks=2))
    planned = [w for b in baskets for w in b]
    assert sorted(planned, key=lambda w: w.product) == WANTS
    assert [len(b) for b in baskets] == [2, 2, 1]


def test_the_same_seed_and_month_give_the_same_plan() -> None:
    limits = Limits(month_seconds=12)
    first = month_rng(7, 2)
    second = month_rng(7, 2)
    assert plan_baskets(first, WANTS, limits) == plan_baskets(second, WANTS, limits)
    assert basket_times(first, 3, limits) == basket_times(second, 3, limits)
    others = {tuple(map(tuple, plan_baskets(month_rng(seed, 2), WANTS, limits))) for seed in range(10)}
    assert len(others) > 1


def test_baskets_are_spread_over_the_month_and_done_before_its_end() -> None:
    limits = Limits(month_seconds=20)
    moments = basket_times(random.Random(3), 50, limits)
    assert moments == sorted(moments)
    assert all(START_SHARE * 20 <= m <= END_SHARE * 20 for m in moments)
    assert max(moments) - min(moments) > 0.4 * 20
    assert basket_times(random.Random(3), 4, Limits(month_seconds=0)) == [0.0] * 4


def test_a_products_lines_are_tried_cheapest_first() -> None:
    lines = [line(1, "apples", 200), line(2, "bread", 50), line(3, "apples", 100), line(4, "apples", 100)]
    assert [ln.stock_line_id for ln in lines_for("apples", lines)] == [3, 4, 1]
    assert lines_for("figs", lines) == []


def test_an_impulse_item_has_plenty_in_stock_and_is_not_in_the_basket() -> None:
    lines = [line(1, "apples", 100, IMPULSE_MIN_AVAILABLE), line(2, "bread", 100, IMPULSE_MIN_AVAILABLE - 1)]
    always = Limits(remove_probability=1.0)
    picks = {impulse_line(random.Random(seed), lines, {"cheese"}, always) for seed in range(20)}
    assert picks == {lines[0]}
    assert impulse_line(random.Random(1), lines, {"apples"}, always) is None
    assert impulse_line(random.Random(1), lines, set(), Limits(remove_probability=0.0)) is None


def test_think_time_stays_in_bounds() -> None:
    rng = random.Random(5)
    assert all(0.0 <= think_seconds(rng, Limits(max_think_ms=10)) <= 0.01 for _ in range(100))
    assert think_seconds(rng, Limits(max_think_ms=0)) == 0.0
