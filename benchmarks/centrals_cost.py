"""What a reserve costs 1, 2 and 3 centrals, measured alone from /proc: CPU, transactions, calls/s.

Each configuration runs alone in turn (``cost_rounds`` times, each figure the
median of its rounds), and the CPU of the central processes, of the PostgreSQL
server (the postmaster and every backend) and of the client is divided by every
call made. Beside the CPU: the calls per write transaction (the mean group
commit batch, from the server's transaction ids, which only writes take) and
the calls/s reached, which the capacity model's figure for this machine is
checked against. Before the rounds, the CPU each central and the server spend
per second with no call at all (the refresh, heartbeat, ownership, sweeps).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from benchmarks import projection
from benchmarks.cpu import Counted, children_of, postmaster_of, total_cpu
from benchmarks.load import Op, looping, ratio
from benchmarks.pg_server import raw_url

# The share of the model's calls/s that N centrals must reach on this machine.
MODEL_SHARE = 0.85
IDLE_S = 3.0
# The next transaction id, read without taking one (a read-only statement takes none).
NEXT_XID_SQL = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"


class Loadable(Protocol):
    """A configuration's client side: its reserve operation."""

    def reserve(self, shape: str) -> Op: ...


@dataclass(frozen=True)
class Configuration:
    """One measured configuration: its client side, central processes and clients."""

    name: str
    target: Loadable
    central_pids: list[int]
    clients: int
    on_postgres: bool = True


def server_pids(admin_url: str) -> list[int]:
    """The PostgreSQL server's processes (the postmaster and its children, backends included)."""
    postmaster = postmaster_of(int(admin_url.rsplit(":", 1)[1].split("/", 1)[0]))
    return [postmaster, *children_of(postmaster)] if postmaster else []


def run_time_s(pids: list[int]) -> float:
    """CPU seconds these processes' threads have run, to the nanosecond (/proc's schedstat).

    The idle figures are a few milliseconds per second: the clock ticks ``total_cpu``
    counts in (10 ms) would make them steps of 3 ms per second over a few seconds.
    """
    total_ns = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            try:
                total_ns += int(task.read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                continue
    return total_ns / 1e9


async def idle_cpu(
    groups: dict[str, list[int]], admin_url: str, seconds: float = IDLE_S
) -> dict[str, object]:
    """CPU ms per second each central of each group, and the server, spend with no call at all."""
    servers = server_pids(admin_url)
    before = {name: run_time_s(pids) for name, pids in groups.items()}
    server_before, started = run_time_s(servers), time.perf_counter()
    await asyncio.sleep(seconds)
    elapsed = time.perf_counter() - started
    figures: dict[str, object] = {
        name: round((run_time_s(pids) - before[name]) * 1000 / elapsed / max(len(pids), 1), 2)
        for name, pids in groups.items()
    }
    figures["postgres_all_centrals"] = round((run_time_s(servers) - server_before) * 1000 / elapsed, 2)
    return figures


async def measure(
    configurations: list[Configuration], admin_url: str, duration_s: float, rounds: int
) -> dict[str, dict[str, float]]:
    """Each configuration's medians: CPU ms per call of each side, calls/s and calls per commit."""
    servers = server_pids(admin_url)
    admin = await asyncpg.connect(raw_url(admin_url), timeout=30)
    taken: dict[str, list[dict[str, float]]] = {c.name: [] for c in configurations}
    try:
        for turn in range(rounds):
            # Each round starts one configuration later, so none always runs first or last.
            shift = turn % len(configurations)
            for configuration in configurations[shift:] + configurations[:shift]:
                taken[configuration.name].append(await _one_round(configuration, servers, admin, duration_s))
    finally:
        await admin.close()
    return {name: _medians(figures) for name, figures in taken.items()}


async def _one_round(
    configuration: Configuration, servers: list[int], admin: Any, duration_s: float
) -> dict[str, float]:
    op = Counted(configuration.target.reserve("spread"))
    pids = configuration.central_pids
    watched = servers if configuration.on_postgres else []
    xid = int(await admin.fetchval(NEXT_XID_SQL))
    before = (total_cpu(pids), total_cpu(watched), time.process_time(), time.perf_counter())
    await looping(op, configuration.clients)(duration_s)
    after = (total_cpu(pids), total_cpu(watched), time.process_time(), time.perf_counter())
    commits = int(await admin.fetchval(NEXT_XID_SQL)) - xid
    calls = max(op.calls, 1)
    return {
        "calls": op.calls,
        "centrals": (after[0] - before[0]) * 1000 / calls,
        "postgres": (after[1] - before[1]) * 1000 / calls,
        "client": (after[2] - before[2]) * 1000 / calls,
        "calls_per_s": op.calls / (after[3] - before[3]),
        # SQLite's transactions are not the server's: no figure.
        "calls_per_commit": calls / commits if configuration.on_postgres and commits > 0 else 0.0,
    }


def _medians(taken: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds (calls summed), rounded for the report."""
    figures: dict[str, float] = {"calls": sum(t["calls"] for t in taken)}
    for who in ("centrals", "postgres", "client"):
        figures[who] = round(statistics.median(t[who] for t in taken), 3)
    figures["calls_per_s"] = round(statistics.median(t["calls_per_s"] for t in taken), 1)
    figures["calls_per_commit"] = round(statistics.median(t["calls_per_commit"] for t in taken), 1)
    return figures


def model_check(costs: dict[str, dict[str, float]], cores: int | None = None) -> dict[str, object]:
    """Each pgN's calls/s measured alone against the model's for this machine, from its own costs.

    ``cores_used`` is what the measurement got of the machine (calls/s times the CPU per
    call): below the machine's cores, the rest went to other work on a shared machine.
    """
    cores = cores or os.cpu_count() or 1
    measured = projection.costs_by_count(costs)
    checked: dict[str, object] = {"cores": cores, "share_needed": MODEL_SHARE}
    for n, cost in sorted(measured.items()):
        reached = float(costs[f"pg{n}"]["calls_per_s"])
        model = projection.calls_per_s(cost, n, cores)
        share = reached / model if model else 0.0
        checked[f"pg{n}"] = {
            "calls_per_s": reached,
            "model_calls_per_s": round(model),
            "share_of_model": round(share, 3),
            "met": share >= MODEL_SHARE,
            "cores_used": round(reached * cost.total / 1000, 2),
            "over_one_central": ratio(reached, float(costs["pg1"]["calls_per_s"])),
        }
    return checked


def load_average() -> float:
    """The machine's one-minute load average (what else was running shows here)."""
    return round(os.getloadavg()[0], 1)
