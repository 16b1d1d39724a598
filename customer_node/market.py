"""The simulated market: each product's steady demand and each shopper's seeded wants for a month.

The model (every draw from a ``random.Random`` seeded by a string, which Python hashes with
SHA-512, so results are stable across runs, processes and ``PYTHONHASHSEED``):

* **Base demand.** Every product has a base daily demand per shopper,
  ``base(P) = uniform(BASE_DAILY_MIN, BASE_DAILY_MAX)`` units a day, drawn from
  ``Random(f"market/{market_seed}/{P}")``. It depends on the market seed (the run's seed) and
  the product's name only, so every shopper of a run sees the same market, and it is steady:
  the same every month.
* **Wants.** A shopper's want for product P in month m is
  ``max(0, round(gauss(mu, WANT_NOISE * mu)))`` with ``mu = base(P) * DAYS_PER_MONTH``, drawn
  from ``Random(f"want/{market_seed}/{shopper_seed}/{m}/{P}")``: seeded noise around the base,
  independent of which other products are on sale, of the order they are listed in, and of
  anything that happened earlier in the month.

So a market of N shoppers asks for about ``N * base(P) * 30`` units of P a month, with a
relative spread of about ``WANT_NOISE / sqrt(N)``. Prices do not change the wants: the demand
is what the manufacturers' production has to learn from the month reports.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

# The run's seed is the market seed in run.py; a customer started by hand gets run.py's default.
DEFAULT_MARKET_SEED = 1
DAYS_PER_MONTH = 30
BASE_DAILY_MIN = 0.05
BASE_DAILY_MAX = 0.35
WANT_NOISE = 0.25


@dataclass(frozen=True, slots=True)
class Want:
    """Units of one product a shopper means to buy this month."""

    product: str
    quantity: int


def base_daily_demand(market_seed: int, product: str) -> float:
    """The product's steady demand per shopper and day (see the module docstring)."""
    rng = random.Random(f"market/{market_seed}/{product}")
    return rng.uniform(BASE_DAILY_MIN, BASE_DAILY_MAX)


def want(market_seed: int, shopper_seed: int, month: int, product: str) -> int:
    """One shopper's units of ``product`` for ``month``: seeded noise around the base demand."""
    mu = base_daily_demand(market_seed, product) * DAYS_PER_MONTH
    rng = random.Random(f"want/{market_seed}/{shopper_seed}/{month}/{product}")
    return max(0, round(rng.gauss(mu, WANT_NOISE * mu)))


def month_wants(market_seed: int, shopper_seed: int, month: int, products: Iterable[str]) -> list[Want]:
    """The shopper's wants for every product on sale, by product name, leaving out zeros."""
    wants = (Want(p, want(market_seed, shopper_seed, month, p)) for p in sorted(set(products)))
    return [w for w in wants if w.quantity > 0]
