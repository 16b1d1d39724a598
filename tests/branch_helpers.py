"""Helpers for branch tests: the kit's bounded poll and month with stock, and a branch's test settings."""

from __future__ import annotations

from pathlib import Path

from branch_node.settings import BranchSettings
from distribution_testing.months_setup import open_month_with_stock
from distribution_testing.polling import until as assert_eventually

__all__ = ["assert_eventually", "branch_settings", "open_month_with_stock"]


def branch_settings(address: str, db_path: Path, **overrides: object) -> BranchSettings:
    """Test settings for branch ``north`` (key ``north-key``) with a fast day and no simulator."""
    values: dict[str, object] = dict(
        central=address,
        name="north",
        key="north-key",
        db_path=db_path,
        day_seconds=0.5,
        shoppers_per_day=5,
        simulate=False,
        reorder_point=3,
        reorder_quantity=10,
    )
    values.update(overrides)
    return BranchSettings(**values)  # type: ignore[arg-type]
