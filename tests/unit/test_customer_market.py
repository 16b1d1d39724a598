"""The simulated market: steady base demand per product, seeded wants around it, the same for a seed."""

from __future__ import annotations

import statistics

from customer_node.market import (
    BASE_DAILY_MAX,
    BASE_DAILY_MIN,
    DAYS_PER_MONTH,
    WANT_NOISE,
    Want,
    base_daily_demand,
    month_wants,
    want,
)

PRODUCTS = ["Acme Granola", "Acme Rice", "Borealis Hammers", "Cobalt Socks"]


def test_base_demand_depends_on_the_market_seed_and_the_product_only() -> None:
    assert base_daily_demand(1, "Acme Rice") == base_daily_demand(1, "Acme Rice")
    assert base_daily_demand(1, "Acme Rice") != base_daily_demand(2, "Acme Rice")
    assert len({base_daily_demand(1, p) for p in PRODUCTS}) == len(PRODUCTS)
    assert all(
        BASE_DAILY_MIN <= base_daily_demand(seed, p) <= BASE_DAILY_MAX for seed in range(50) for p in PRODUCTS
    )


def test_the_same_seeds_give_the_same_wants_whatever_else_is_on_sale() -> None:
    everything = month_wants(1, 77, 3, PRODUCTS)
    assert everything == month_wants(1, 77, 3, list(reversed(PRODUCTS)) + PRODUCTS)  # order, repeats
    some = month_wants(1, 77, 3, PRODUCTS[:2])
    assert some == [w for w in everything if w.product in PRODUCTS[:2]]
    assert [w.product for w in everything] == sorted(w.product for w in everything)
    assert all(isinstance(w, Want) and w.quantity > 0 for w in everything)


def test_wants_differ_between_shoppers_and_months() -> None:
    by_shopper = {tuple(month_wants(1, shopper, 1, PRODUCTS)) for shopper in range(10)}
    by_month = {tuple(month_wants(1, 5, month, PRODUCTS)) for month in range(1, 11)}
    assert len(by_shopper) > 5 and len(by_month) > 5


def test_wants_scatter_around_the_steady_base_demand() -> None:
    # Many shoppers and months of one product: the mean is the base times a month, the spread
    # the model's noise, and the demand does not drift from month to month.
    product = "Acme Rice"
    mu = base_daily_demand(1, product) * DAYS_PER_MONTH
    samples = [want(1, shopper, month, product) for shopper in range(200) for month in range(1, 7)]
    assert abs(statistics.mean(samples) - mu) < 0.05 * mu
    assert abs(statistics.stdev(samples) - WANT_NOISE * mu) < 0.25 * WANT_NOISE * mu + 0.5
    per_month = [sum(want(1, s, month, product) for s in range(200)) for month in range(1, 7)]
    assert max(per_month) - min(per_month) < 0.1 * statistics.mean(per_month)
    assert min(samples) >= 0
