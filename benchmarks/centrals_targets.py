"""Issue 24's bounds beside what `benchmarks centrals` measured: CPU per call (items 1, 2) and calls/s (3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from benchmarks import centrals_cost
from benchmarks.load import ratio

Table = Mapping[str, Any]


def _cost(table: Table, name: str, who: str) -> float:
    return float(table[name][who])


def _bound(measured: float, baseline: float) -> dict[str, object]:
    return {"measured": ratio(measured, baseline), "target": "<= 1.2", "met": measured <= 1.2 * baseline}


def _pair(table: Table, name: str, base_table: Table, base: str) -> dict[str, object]:
    """Centrals' and PostgreSQL's CPU per call of ``name`` against ``base``, each bound at 1.2."""
    return {
        "centrals_cpu": _bound(_cost(table, name, "centrals"), _cost(base_table, base, "centrals")),
        "postgres_cpu": _bound(_cost(table, name, "postgres"), _cost(base_table, base, "postgres")),
    }


def cpu_targets(
    costs: Table, per_central: Table, lighter: Table | None = None, control: Table | None = None
) -> dict[str, object]:
    """The issue's CPU bounds beside the measured costs (items 1 and 2 of issue 24).

    Item 2's bounds are given at both loads: the same total (64 clients in all) and the
    same per central (64 each). With ``lighter`` (one central with a third of the
    clients, what each of 3 sees at the same total load), also 3 centrals against one
    central at their load each. With ``control`` (the same split over centrals that
    share nothing, and 3 centrals with every call on the first), what coherence itself
    costs: 3 centrals on one database against 3 apart, and following alone.
    """
    pg1, sqlite1 = _cost(costs, "pg1", "centrals"), _cost(costs, "sqlite1", "centrals")
    pg1_postgres = _cost(costs, "pg1", "postgres")
    targets: dict[str, object] = {
        "central_pg_over_sqlite": {"measured": ratio(pg1, sqlite1), "target": "<= 1", "met": pg1 <= sqlite1},
        "postgres_ms_per_call_one_central": {
            "measured": pg1_postgres,
            "target": "<= 0.15",
            "met": pg1_postgres <= 0.15,
        },
        "three_centrals_over_one_centrals_cpu": _bound(_cost(costs, "pg3", "centrals"), pg1),
        "three_centrals_over_one_postgres_cpu": _bound(_cost(costs, "pg3", "postgres"), pg1_postgres),
        "equal_load_per_central": _pair(per_central, "pg3", costs, "pg1"),
    }
    if lighter is not None:
        targets["same_load_per_central_as_the_split_gives"] = _pair(costs, "pg3", {"pg1": lighter}, "pg1")
    if control is not None:
        targets["coherence_three_on_one_database_over_three_apart"] = _pair(costs, "pg3", control, "pg3")
        targets["coherence_two_on_one_database_over_two_apart"] = _pair(costs, "pg2", control, "pg2")
        targets["coherence_three_over_three_apart_each_with_its_own_callers"] = _pair(
            per_central, "pg3", control, "pg3_each"
        )
        targets["following_three_centrals_one_serving_over_one_central"] = _pair(
            control, "pg3_one_serving", costs, "pg1"
        )
    return targets


def capacity_targets(
    report: Table, model: Table, shapes: Sequence[str], counts: Sequence[int]
) -> dict[str, object]:
    """Item 3 on this machine: 2 and 3 centrals' calls/s against one central's and the model's."""
    targets: dict[str, object] = {}
    for shape in shapes:
        for n in counts[1:]:
            reached = report[shape][f"pg{n}"]["ratio_to_one_central_pg"]
            targets[f"{shape}_pg{n}_over_one_central"] = {
                "measured": reached,
                "target": ">= 1",
                "met": reached is not None and reached >= 1,
            }
    for n in counts[1:]:
        checked = model[f"pg{n}"]
        targets[f"spread_pg{n}_alone_share_of_model"] = {
            "measured": checked["share_of_model"],
            "target": f">= {centrals_cost.MODEL_SHARE}",
            "met": checked["met"],
        }
    return targets
