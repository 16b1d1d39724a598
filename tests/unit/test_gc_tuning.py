"""A serving node collects its young generation far less often than CPython's default."""

from __future__ import annotations

import gc

from nodekit.gc_tuning import YOUNG, tune_for_serving


def test_tuning_collects_the_young_generation_every_fifty_thousand_allocations() -> None:
    before = gc.get_threshold()
    try:
        tune_for_serving()
        assert gc.get_threshold()[0] == YOUNG == 50_000
        assert gc.isenabled()
    finally:
        gc.set_threshold(*before)
