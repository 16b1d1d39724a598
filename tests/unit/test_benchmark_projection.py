"""The capacity model of ``benchmarks centrals``: one core per central, the machine for everything."""

from __future__ import annotations

import pytest

from benchmarks.centrals_cost import model_check
from benchmarks.projection import Cost, calls_per_s, cost_at, costs_by_count, markdown, table


def test_a_central_is_capped_at_one_core_and_the_machine_at_its_cores() -> None:
    cost = Cost(centrals=0.5, postgres=0.1, client=0.4)

    assert calls_per_s(cost, centrals=1, cores=16) == 2000  # one central: one core's worth
    assert calls_per_s(cost, centrals=2, cores=2) == 2000  # two cores: 1 ms of CPU per call in all
    assert calls_per_s(cost, centrals=16, cores=16) == 16000


def test_costs_beyond_the_measured_counts_grow_as_the_last_two_did() -> None:
    measured = costs_by_count(
        {
            "sqlite1": {"centrals": 0.4, "postgres": 0.0, "client": 0.3},
            "pg1": {"centrals": 0.5, "postgres": 0.10, "client": 0.3},
            "pg2": {"centrals": 0.6, "postgres": 0.12, "client": 0.3},
            "pg3": {"centrals": 0.7, "postgres": 0.14, "client": 0.3},
        }
    )

    assert sorted(measured) == [1, 2, 3]
    at_8 = cost_at(measured, 8)
    assert round(at_8.centrals, 3) == 1.2 and round(at_8.postgres, 3) == 0.24
    rows = table(measured, cores=(2, 16), counts=(1, 8))
    assert rows["1 centrals"]["16 cores"] == 2000
    assert rows["8 centrals"]["16 cores"] == round(min(8000 / 1.2, 16000 / (1.2 + 0.24 + 0.3)))
    assert "*8 (extrapolated)*" in markdown(measured, cores=(2,), counts=(3, 8))


def test_a_cost_that_fell_between_the_last_two_counts_is_held_not_projected_to_nothing() -> None:
    measured = {
        2: Cost(centrals=0.78, postgres=0.28, client=0.22),
        3: Cost(centrals=0.72, postgres=0.25, client=0.21),
    }

    assert cost_at(measured, 16) == measured[3]
    held = calls_per_s(cost_at(measured, 16), centrals=16, cores=16)
    assert held == pytest.approx(16000 / (0.72 + 0.25 + 0.21))


def test_the_model_check_sets_the_calls_reached_against_the_models_for_the_cores() -> None:
    costs = {
        "pg1": {"centrals": 0.5, "postgres": 0.2, "client": 0.3, "calls_per_s": 1700.0},
        "pg2": {"centrals": 0.6, "postgres": 0.2, "client": 0.2, "calls_per_s": 1000.0},
    }

    checked = model_check(costs, cores=2)

    one, two = checked["pg1"], checked["pg2"]
    assert isinstance(one, dict) and isinstance(two, dict)
    # One central: one core's worth (2,000 calls/s at 0.5 ms), the machine's 2,000 too.
    assert one["model_calls_per_s"] == 2000 and one["share_of_model"] == 0.85 and one["met"]
    assert one["cores_used"] == 1.7
    assert two["model_calls_per_s"] == 2000 and two["share_of_model"] == 0.5 and not two["met"]
    assert two["over_one_central"] == round(1000 / 1700, 3)
