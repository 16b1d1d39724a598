"""Capacity from measured CPU per call: the calls/s N centrals reach on a machine of C cores.

The model: a call costs the centrals together ``c`` ms of CPU, PostgreSQL ``p``
and the clients ``k`` (each measured from /proc with N centrals). Each central
is one Python process, so it can use at most one core: N centrals sharing the
calls evenly carry at most ``1000 * N / c`` calls/s. Everything together cannot
use more than the machine: at most ``1000 * C / (c + p + k)`` calls/s. The
lower bound is the projection. Costs at N beyond the measured counts are
extrapolated linearly from the last two measured (what each added central adds
to every call), which is where coherence decides how far N helps; a cost that
fell between them (noise, on a shared machine) is held at the last measured
rather than projected down towards nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

CORES = (2, 8, 16)
COUNTS = (1, 2, 3, 4, 8, 16)


@dataclass(frozen=True)
class Cost:
    """CPU ms per call of the centrals (summed), PostgreSQL and the clients."""

    centrals: float
    postgres: float
    client: float

    @property
    def total(self) -> float:
        """All of it."""
        return self.centrals + self.postgres + self.client


def costs_by_count(cpu_per_call_ms: Mapping[str, Mapping[str, float]]) -> dict[int, Cost]:
    """The measured ``pgN`` costs of ``benchmarks centrals`` by N."""
    return {
        int(name[2:]): Cost(float(c["centrals"]), float(c["postgres"]), float(c["client"]))
        for name, c in cpu_per_call_ms.items()
        if name.startswith("pg")
    }


def cost_at(measured: Mapping[int, Cost], n: int) -> Cost:
    """The measured cost at ``n`` centrals, or extrapolated from the last two measured counts."""
    if n in measured:
        return measured[n]
    counts = sorted(measured)
    if len(counts) == 1:
        return measured[counts[0]]
    a, b = counts[-2], counts[-1]
    steps = (n - b) / (b - a)

    def line(x: float, y: float) -> float:
        return max(y + (y - x) * steps, y)

    return Cost(
        line(measured[a].centrals, measured[b].centrals),
        line(measured[a].postgres, measured[b].postgres),
        line(measured[a].client, measured[b].client),
    )


def calls_per_s(cost: Cost, centrals: int, cores: int) -> float:
    """The model's calls/s for ``centrals`` on ``cores`` (see the module's docstring)."""
    if cost.total <= 0 or cost.centrals <= 0:
        return 0.0
    return min(1000 * centrals / cost.centrals, 1000 * cores / cost.total)


def table(
    measured: Mapping[int, Cost], cores: Sequence[int] = CORES, counts: Sequence[int] = COUNTS
) -> dict[str, dict[str, float]]:
    """{"N centrals": {"C cores": calls/s}}, with N from ``counts`` and C from ``cores``."""
    return {
        f"{n} centrals": {f"{c} cores": round(calls_per_s(cost_at(measured, n), n, c)) for c in cores}
        for n in counts
    }


def markdown(
    measured: Mapping[int, Cost], cores: Sequence[int] = CORES, counts: Sequence[int] = COUNTS
) -> str:
    """The projection as a markdown table, measured counts marked, extrapolated ones in italics."""
    header = "| centrals | CPU per call ms (centrals + PostgreSQL + clients) | " + " | ".join(
        f"{c} cores" for c in cores
    )
    lines = [header + " |", "|---|---|" + "---:|" * len(cores)]
    for n in counts:
        cost = cost_at(measured, n)
        name = f"{n}" if n in measured else f"*{n} (extrapolated)*"
        figures = " | ".join(f"{calls_per_s(cost, n, c):,.0f}" for c in cores)
        lines.append(
            f"| {name} | {cost.centrals:.2f} + {cost.postgres:.2f} + {cost.client:.2f} | {figures} |"
        )
    return "\n".join(lines)
