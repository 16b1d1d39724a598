"""The simulated customer's shopping plan for a month: baskets, when to buy them, and from which line.

The wants come from the market model (``customer_node.market``); this module only arranges them
(every draw from the month's ``random.Random``, so the same seed and catalog give the same plan):

* **Baskets.** The month's wants are shuffled and cut into baskets of at most ``max_picks``
  products; each basket is one checkout.
* **When.** With a month length S, basket i is bought at a seeded moment within
  ``[START_SHARE * S, min(END_SHARE * S, S - min(CLOSE_MARGIN_S, S / 3))]`` after the month opened
  (sorted), so buying is spread over the month and the last basket is done before it closes. Without a
  month length the baskets follow each other at once.
* **Which line.** A product's lines are tried cheapest first; the last one is asked for
  whatever is still wanted, even when sold out, so the central counts the shortfall as unmet
  demand (with one line per product, as in run.py, unmet demand is exactly want - bought).
* **A change of mind.** With probability ``remove_probability`` a basket also takes one unit of
  a product with plenty in stock (at least ``IMPULSE_MIN_AVAILABLE``) and puts it back at once:
  the cart's remove, without touching the demand of anyone else.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from customer_node.catalog import CatalogLine
from customer_node.market import Want

# Buying spreads over nearly the whole month, so at half-time under half the demand has come
# (47% of a 60 s month's): a line sells out by then only when its offer is under half its
# demand, and a student who joins late still finds lines on sale.
START_SHARE = 0.1
END_SHARE = 0.95
# ... and at least this long before the close, however short the month: the last checkout and
# FinishShopping must land before a 3-second month ends on a busy machine.
CLOSE_MARGIN_S = 1.0
# Far more than any one want, so the unit held for a moment never stands in another shopper's way.
IMPULSE_MIN_AVAILABLE = 40


@dataclass(frozen=True, slots=True)
class Limits:
    """How a month's shopping is arranged.

    Attributes:
        max_picks: Most products in one basket.
        remove_probability: Chance that a basket also takes an item it puts back before checkout.
        max_think_ms: Longest pause between two calls, in milliseconds (0: no pauses).
        month_seconds: The month's real length to spread the baskets over (0: no spreading).
    """

    max_picks: int = 3
    remove_probability: float = 0.15
    max_think_ms: int = 5
    month_seconds: float = 0.0


def month_rng(seed: int, month: int) -> random.Random:
    """The random source for one month's plan.

    One generator per month keeps a month's plan reproducible even when the customer missed
    an earlier month (joined late, was restarted) and so drew fewer numbers before it.
    """
    return random.Random(f"month/{seed}/{month}")


def plan_baskets(rng: random.Random, wants: Sequence[Want], limits: Limits) -> list[list[Want]]:
    """The wants, shuffled and cut into baskets of at most ``max_picks`` products."""
    order = list(wants)
    rng.shuffle(order)
    size = max(1, limits.max_picks)
    return [order[i : i + size] for i in range(0, len(order), size)]


def basket_times(rng: random.Random, count: int, limits: Limits) -> list[float]:
    """Seconds after the month opened at which each basket is bought, in order."""
    if limits.month_seconds <= 0:
        return [0.0] * count
    low = START_SHARE * limits.month_seconds
    # A month of a second or two (tests) keeps two thirds of itself for buying.
    margin = min(CLOSE_MARGIN_S, limits.month_seconds / 3)
    high = max(low, min(END_SHARE * limits.month_seconds, limits.month_seconds - margin))
    return sorted(rng.uniform(low, high) for _ in range(count))


def lines_for(product: str, lines: Sequence[CatalogLine]) -> list[CatalogLine]:
    """The product's lines, cheapest first (then by manufacturer and id, for a stable order)."""
    mine = [line for line in lines if line.product == product]
    return sorted(mine, key=lambda ln: (ln.unit_price_cents, ln.manufacturer_name, ln.stock_line_id))


def impulse_line(
    rng: random.Random, lines: Sequence[CatalogLine], basket: Collection[str], limits: Limits
) -> CatalogLine | None:
    """A line to take one unit of and put back, or None (see the module docstring)."""
    if rng.random() >= limits.remove_probability:
        return None
    plenty = [ln for ln in lines if ln.available >= IMPULSE_MIN_AVAILABLE and ln.product not in basket]
    return rng.choice(plenty) if plenty else None


def think_seconds(rng: random.Random, limits: Limits) -> float:
    """A short seeded pause between calls, so customers do not move in lockstep."""
    if limits.max_think_ms <= 0:
        return 0.0
    return rng.uniform(0.0, limits.max_think_ms) / 1000.0
