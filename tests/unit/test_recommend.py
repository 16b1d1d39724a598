"""The production recommendation formula against hand-computed cases."""

from __future__ import annotations

from fractions import Fraction

from central.domain.recommend import (
    Priority,
    ProductMonth,
    Recommendation,
    daily_demand,
    priorities,
    recommend,
    recommended_quantity,
    window_months,
)


def test_window_is_the_last_three_months_never_before_month_one() -> None:
    assert list(window_months(5)) == [3, 4, 5]
    assert list(window_months(2)) == [1, 2]
    assert list(window_months(1)) == [1]


def test_daily_demand_treats_a_month_as_thirty_days() -> None:
    assert daily_demand([90]) == Fraction(3)
    assert daily_demand([30, 60, 90]) == Fraction(180, 90)  # 2 a day
    assert daily_demand([7]) == Fraction(7, 30)
    assert daily_demand([]) == 0


def test_recommended_quantity_is_horizon_demand_rounded_up_minus_held_floored_at_zero() -> None:
    assert recommended_quantity(Fraction(2), held=15) == 45  # 2 * 30 - 15
    assert recommended_quantity(Fraction(7, 30), held=3) == 4  # 7 - 3
    assert recommended_quantity(Fraction(1, 7), held=0) == 5  # ceil(30 / 7 = 4.29)
    assert recommended_quantity(Fraction(1), held=100) == 0  # never negative
    assert recommended_quantity(Fraction(1), held=0, horizon_days=10) == 10


def test_priorities_split_revenue_at_80_and_95_percent() -> None:
    # Shares 50%, 30%, 15%, 5%: the first two make 80% (A), the next 15% is B, the rest C.
    revenue = {"a": 500, "b": 300, "c": 150, "d": 50}
    assert priorities(revenue) == {"a": Priority.A, "b": Priority.A, "c": Priority.B, "d": Priority.C}


def test_priorities_top_earner_is_always_a_and_zero_revenue_is_c() -> None:
    assert priorities({"big": 9_000, "small": 1_000, "none": 0}) == {
        "big": Priority.A,  # 90% alone
        "small": Priority.B,  # 90% before it: under 95%
        "none": Priority.C,
    }
    assert priorities({"x": 0, "y": 0}) == {"x": Priority.C, "y": Priority.C}
    assert priorities({}) == {}


def test_priorities_break_revenue_ties_by_name() -> None:
    # 40/40/20: "a" has 0% before it (A), "b" 40% (A), "c" 80% (B, not under 80).
    assert priorities({"c": 200, "b": 400, "a": 400}) == {"a": Priority.A, "b": Priority.A, "c": Priority.B}


def test_recommend_over_a_three_month_window() -> None:
    history = [
        ProductMonth(1, "old", sold=999, unmet_demand=0, revenue_cents=999_999),  # outside the window
        ProductMonth(2, "tea", sold=20, unmet_demand=10, revenue_cents=2_000),
        ProductMonth(3, "tea", sold=30, unmet_demand=0, revenue_cents=3_000),
        ProductMonth(4, "tea", sold=25, unmet_demand=5, revenue_cents=2_500),
        ProductMonth(4, "jam", sold=10, unmet_demand=2, revenue_cents=2_500),
    ]
    result = recommend(4, history, held={"tea": 12, "jam": 20})
    assert result == [
        # jam: 12 units in 1 month -> 12/30 = 0.4/day; 0.4 * 30 - 20 < 0 -> 0.
        # revenue 2,500 of 10,000: 7,500 (tea) before it = 75% < 80% -> A.
        Recommendation("jam", daily_demand_milli=400, recommended_quantity=0, priority=Priority.A),
        # tea: (30 + 30 + 30) over 3 months -> 90/90 = 1/day; 30 - 12 = 18; revenue 7,500 -> A.
        Recommendation("tea", daily_demand_milli=1000, recommended_quantity=18, priority=Priority.A),
    ]


def test_recommend_counts_only_the_months_a_product_was_offered() -> None:
    history = [
        ProductMonth(4, "mugs", sold=10, unmet_demand=0, revenue_cents=100),
        ProductMonth(6, "mugs", sold=4, unmet_demand=3, revenue_cents=40),
        ProductMonth(6, "cups", sold=0, unmet_demand=0, revenue_cents=0),
    ]
    # Window 4..6; mugs offered in months 4 and 6: 17 units / 60 days = 0.2833/day (283 milli);
    # horizon: 0.2833 * 30 = 8.5 -> 9, minus 1 held = 8.
    assert recommend(6, history, held={"mugs": 1}) == [
        Recommendation("cups", 0, 0, Priority.C),
        Recommendation("mugs", 283, 8, Priority.A),
    ]
