"""A manufacturer's product lines, derived from its name and seed so every run is reproducible."""

from __future__ import annotations

import random
from dataclasses import dataclass

GOODS: tuple[str, ...] = (
    "Granola", "Olive Oil", "Coffee Beans", "Green Tea", "Honey", "Soap", "Candles", "Notebooks",
    "Socks", "Mugs", "Batteries", "Lamps", "Blankets", "Pasta", "Jam", "Rice",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One product line: what it makes, its price, units per second and how many it can hold."""

    product: str
    unit_price_cents: int
    rate_per_s: float
    capacity: int


def product_lines(name: str, seed: int) -> list[LineSpec]:
    """Three or four lines; products carry the maker's first word so names stay unique."""
    rng = random.Random(f"{name}|{seed}")
    brand = name.split()[0] if name.split() else name
    goods = rng.sample(GOODS, rng.randint(3, 4))
    return [
        LineSpec(
            product=f"{brand} {good}",
            unit_price_cents=rng.randint(199, 4999),
            # Several units a second: a 5-8 s simulation month yields a few dozen per line.
            rate_per_s=round(rng.uniform(4.0, 12.0), 1),
            capacity=rng.randint(80, 240),
        )
        for good in sorted(goods)
    ]
