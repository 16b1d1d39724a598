"""The simulated customer's shopping choices: seeded, weighted by need and price, free of I/O.

How a basket is chosen (every draw comes from one ``random.Random``, so the same seed and the
same catalog give the same basket):

* **Need.** Each customer has a need per product, a number in ``[0, MAX_NEED]`` drawn from
  ``Random(f"need/{seed}/{product}")``. It depends only on the seed and the product name, not on
  the order in which products appear, and a share ``NO_NEED_SHARE`` of products is not wanted at
  all (need 0).
* **Price.** Among the lines of one product the cheaper ones are preferred:
  ``price_factor = (cheapest unit price of the product / line's unit price) ** PRICE_SENSITIVITY``
  so the cheapest line has factor 1 and a line twice as dear has factor 1/4.
* **Weight of a line** = ``need(product) * price_factor / sum(price_factor over the product's
  lines)``: a product is picked in proportion to the need for it however many manufacturers
  offer it, and within the product the manufacturer in proportion to its price factor.
* A basket takes 1..``max_picks`` distinct lines (weighted, without replacement), each for
  ``1..min(max_quantity, ceil(need))`` units, and marks each pick for removal before checkout
  with probability ``remove_probability`` (the shopper changed its mind).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from customer_node.catalog import CatalogLine

MAX_NEED = 3.0
NO_NEED_SHARE = 0.2
PRICE_SENSITIVITY = 2.0


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds of one basket.

    Attributes:
        max_picks: Most distinct stock lines in one basket.
        max_quantity: Most units asked for on one line.
        max_baskets: Most checkouts in one month.
        remove_probability: Chance that a pick is taken out of the cart again before checkout.
        max_think_ms: Longest pause between two calls, in milliseconds (0: no pauses).
    """

    max_picks: int = 4
    max_quantity: int = 3
    max_baskets: int = 3
    remove_probability: float = 0.15
    max_think_ms: int = 5


@dataclass(frozen=True, slots=True)
class Pick:
    """One line the customer will put in its cart."""

    stock_line_id: int
    product: str
    manufacturer_name: str
    quantity: int
    remove: bool


def need_for(seed: int, product: str) -> float:
    """This customer's need for ``product``: 0 (not wanted) or a weight in (0, MAX_NEED].

    Args:
        seed: The customer's seed.
        product: Product name.

    Returns:
        The same value for the same seed and product, whatever else is in the catalog.
    """
    # A string seed is hashed with SHA-512 by random.Random, so it is stable across runs and
    # independent of PYTHONHASHSEED.
    rng = random.Random(f"need/{seed}/{product}")
    if rng.random() < NO_NEED_SHARE:
        return 0.0
    return round(rng.uniform(0.25, MAX_NEED), 3)


def month_rng(seed: int, month: int) -> random.Random:
    """The random source for one month's shopping.

    One generator per month keeps a month's choices reproducible even when the customer missed
    an earlier month (joined late, was restarted) and so drew fewer numbers before it.
    """
    return random.Random(f"month/{seed}/{month}")


def line_weights(lines: Sequence[CatalogLine], needs: Mapping[str, float]) -> list[float]:
    """The choice weight of each line (see the module docstring for the formula).

    Args:
        lines: Lines on sale.
        needs: Need per product; a product missing from the mapping has need 0.

    Returns:
        One weight per line, in the same order; 0 for lines that must not be chosen.
    """
    cheapest: dict[str, int] = {}
    for line in lines:
        if line.available > 0 and line.unit_price_cents > 0:
            cheapest[line.product] = min(
                cheapest.get(line.product, line.unit_price_cents), line.unit_price_cents
            )
    factors = [
        (cheapest[line.product] / line.unit_price_cents) ** PRICE_SENSITIVITY
        if line.product in cheapest and line.available > 0 and line.unit_price_cents > 0
        else 0.0
        for line in lines
    ]
    per_product: dict[str, float] = defaultdict(float)
    for line, factor in zip(lines, factors, strict=True):
        per_product[line.product] += factor
    return [
        needs.get(line.product, 0.0) * factor / per_product[line.product] if factor > 0 else 0.0
        for line, factor in zip(lines, factors, strict=True)
    ]


def plan_basket(
    rng: random.Random,
    lines: Sequence[CatalogLine],
    needs: Mapping[str, float],
    limits: Limits,
) -> list[Pick]:
    """Chooses the lines and quantities of one basket.

    Args:
        rng: The month's random source; the draws advance it.
        lines: Lines on sale, in a stable order (``CatalogView.lines()``).
        needs: Need per product.
        limits: Basket bounds.

    Returns:
        Distinct picks in the order they should be added; empty when nothing is wanted.
    """
    candidates = list(lines)
    weights = line_weights(candidates, needs)
    wanted = sum(1 for weight in weights if weight > 0)
    if wanted == 0:
        return []
    count = min(rng.randint(1, max(1, limits.max_picks)), wanted)
    picks: list[Pick] = []
    for _ in range(count):
        index = _weighted_index(rng, weights)
        line = candidates[index]
        weights[index] = 0.0  # without replacement: one pick per stock line and basket
        need = needs.get(line.product, 0.0)
        top = max(1, min(limits.max_quantity, math.ceil(need)))
        picks.append(
            Pick(
                stock_line_id=line.stock_line_id,
                product=line.product,
                manufacturer_name=line.manufacturer_name,
                quantity=rng.randint(1, top),
                remove=rng.random() < limits.remove_probability,
            )
        )
    return picks


def basket_count(rng: random.Random, limits: Limits) -> int:
    """How many checkouts the customer plans this month (1..max_baskets)."""
    return rng.randint(1, max(1, limits.max_baskets))


def think_seconds(rng: random.Random, limits: Limits) -> float:
    """A short seeded pause between calls, so customers do not move in lockstep."""
    if limits.max_think_ms <= 0:
        return 0.0
    return rng.uniform(0.0, limits.max_think_ms) / 1000.0


def _weighted_index(rng: random.Random, weights: Sequence[float]) -> int:
    # random.choices would also do, but this draws exactly one number per pick, which keeps the
    # sequence of draws (and so the plan) easy to reason about.
    total = sum(weights)
    target = rng.random() * total
    running = 0.0
    last = 0
    for index, weight in enumerate(weights):
        if weight <= 0:
            continue
        running += weight
        last = index
        if target < running:
            return index
    return last  # rounding at the very top of the range
