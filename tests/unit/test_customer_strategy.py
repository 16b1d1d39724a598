"""Shopping choices: deterministic per seed, weighted by need and price."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from customer_node.catalog import CatalogLine
from customer_node.strategy import (
    Limits,
    basket_count,
    line_weights,
    month_rng,
    need_for,
    plan_basket,
    think_seconds,
)


def line(line_id: int, product: str, price: int, available: int = 10, maker: str = "") -> CatalogLine:
    return CatalogLine(line_id, 1, product, maker or f"maker{line_id}", price, available)


CATALOG = [
    line(1, "apples", 100),
    line(2, "apples", 200),
    line(3, "bread", 250),
    line(4, "cheese", 900),
    line(5, "cheese", 1000),
    line(6, "dates", 400),
]


def test_need_depends_only_on_seed_and_product() -> None:
    assert need_for(7, "apples") == need_for(7, "apples")
    needs = {need_for(seed, "apples") for seed in range(50)}
    assert len(needs) > 10, "different customers have different needs"
    assert all(0.0 <= need <= 3.0 for need in needs)
    assert any(need == 0.0 for need in needs), "some customers do not want a product at all"


def test_same_seed_same_month_gives_the_same_baskets() -> None:
    needs = {product: 1.5 for product in ("apples", "bread", "cheese", "dates")}
    first = [plan_basket(month_rng(42, 3), CATALOG, needs, Limits()) for _ in range(3)]
    again = [plan_basket(month_rng(42, 3), CATALOG, needs, Limits()) for _ in range(3)]
    assert first == again
    assert first[0], "a customer with needs buys something"


def test_different_seeds_or_months_choose_differently() -> None:
    needs = {product: 2.0 for product in ("apples", "bread", "cheese", "dates")}
    plans = {
        tuple(plan_basket(month_rng(seed, month), CATALOG, needs, Limits()))
        for seed in range(5)
        for month in range(1, 5)
    }
    assert len(plans) > 5


def test_picks_are_distinct_lines_within_limits() -> None:
    needs = {product: 3.0 for product in ("apples", "bread", "cheese", "dates")}
    limits = Limits(max_picks=4, max_quantity=2)
    for seed in range(100):
        picks = plan_basket(random.Random(seed), CATALOG, needs, limits)
        ids = [pick.stock_line_id for pick in picks]
        assert 1 <= len(picks) <= 4
        assert len(ids) == len(set(ids))
        assert all(1 <= pick.quantity <= 2 for pick in picks)


def test_cheaper_manufacturer_of_a_product_is_chosen_more_often() -> None:
    lines = [line(1, "apples", 100), line(2, "apples", 200)]
    counts: Counter[int] = Counter()
    for seed in range(2000):
        picks = plan_basket(random.Random(seed), lines, {"apples": 1.0}, Limits(max_picks=1))
        counts[picks[0].stock_line_id] += 1
    # Price factors 1 and 1/4: the cheap line should win about 80% of the time.
    assert 0.75 < counts[1] / 2000 < 0.85


def test_weights_follow_need_and_price() -> None:
    needs = {"apples": 2.0, "bread": 1.0, "cheese": 0.0, "dates": 1.0}
    weights = dict(zip([item.stock_line_id for item in CATALOG], line_weights(CATALOG, needs), strict=True))
    # A product's lines share its need; within it, price factors 1 : 1/4.
    assert weights[1] == pytest.approx(2.0 * 0.8)
    assert weights[2] == pytest.approx(2.0 * 0.2)
    assert weights[3] == pytest.approx(1.0)
    assert weights[4] == weights[5] == 0.0
    # One manufacturer or two, a product weighs its need in total.
    assert weights[1] + weights[2] == pytest.approx(2 * weights[6])


def test_unwanted_and_sold_out_lines_are_never_chosen() -> None:
    lines = [line(1, "apples", 100, available=0), line(2, "bread", 100), line(3, "cheese", 100)]
    needs = {"apples": 3.0, "bread": 0.0, "cheese": 1.0}
    for seed in range(200):
        picks = plan_basket(random.Random(seed), lines, needs, Limits())
        assert [pick.stock_line_id for pick in picks] == [3]


def test_nothing_wanted_gives_an_empty_basket() -> None:
    assert plan_basket(random.Random(1), CATALOG, {}, Limits()) == []
    assert plan_basket(random.Random(1), [], {"apples": 1.0}, Limits()) == []


def test_basket_count_and_think_time_stay_in_bounds() -> None:
    rng = random.Random(5)
    limits = Limits(max_baskets=3, max_think_ms=5)
    assert {basket_count(rng, limits) for _ in range(200)} == {1, 2, 3}
    assert all(0.0 <= think_seconds(rng, limits) <= 0.005 for _ in range(200))
    assert think_seconds(rng, Limits(max_think_ms=0)) == 0.0
