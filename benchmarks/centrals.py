"""`python -m benchmarks centrals`: reserve throughput with 1, 2 and 3 centrals on one PostgreSQL.

Every configuration runs at once, each on its own database of one throwaway
PostgreSQL server (1, 2 and 3 centrals), beside one central on SQLite and the
bare echo; the measurements take turns in slices, so the noise of a shared
machine falls on all alike. The client spreads the calls over a
configuration's centrals (one channel per central, each worker's calls going
round-robin over them). Three shapes: *spread* (worker i on line i mod 64),
*random* (a seeded random line of the 64 per call) and *hot* (all on one
line). Figures are ratios to one central on the same PostgreSQL server; a
deadlock or serialization failure answered to a caller counts under
``conflicts_answered`` (the specification wants zero). Two more single
centrals, each on a database of its own, make the control of the CPU figures
(``benchmarks/centrals_control.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import grpc

from benchmarks import centrals_cost, projection
from benchmarks.central_proc import CentralProcess, start_central
from benchmarks.centrals_control import Apart
from benchmarks.centrals_summary import print_summary
from benchmarks.centrals_targets import capacity_targets, cpu_targets
from benchmarks.cluster import Cluster, new_cluster
from benchmarks.echo import start_echo
from benchmarks.load import LoadResult, Op, Runner, interleaved, looping, ratio, warm_up
from benchmarks.market import Market, Metadata, open_market, register_customers
from benchmarks.pg_server import fresh_database, postgres_server, raw_url
from benchmarks.projection import costs_by_count
from benchmarks.scenarios import CALL_TIMEOUT_S, Channels, echo_op
from distribution_client.service import CentralService
from generated.distribution.v1 import cart_pb2
from nodekit.channel import open_channel
from nodekit.platform import install_stop_handlers

SHAPES = ("spread", "random", "hot")
CENTRAL_COUNTS = (1, 2, 3)
SPREAD_LINES = 64
# Single centrals beside pg1, each on its own database: the control's split without coherence.
APART = 2
# Answers that mean a conflict between centrals reached the caller.
CONFLICT_CODES = ("ABORTED", "INTERNAL", "UNKNOWN")


@dataclass(frozen=True)
class CentralsPlan:
    """Durations and sizes of one run."""

    duration_s: float = 3.0
    warmup_s: float = 0.5
    slices: int = 2
    concurrency: int = 64
    # The CPU figures are taken this many times, the configurations in turn, and the median kept.
    cost_rounds: int = 3


@dataclass
class Target:
    """One configuration under load: its channels (one per central), market and customers."""

    name: str
    channels: list[grpc.aio.Channel]
    market: Market
    customers: Sequence[Metadata]
    reservations: list[str]

    def reserve(self, shape: str) -> Op:
        """AddCartItem of one unit; worker i is customer i; its k-th call goes to central (i + k) mod n."""
        stubs = [CentralService(c).carts for c in self.channels]
        lines = self.market.spread_lines
        turns = [0] * len(self.customers)
        rngs = [random.Random(i) for i in range(len(self.customers))]

        def line_of(worker: int) -> int:
            if shape == "hot":
                return self.market.hot_line
            if shape == "spread":
                return lines[worker % len(lines)]
            return lines[rngs[worker].randrange(len(lines))]

        async def op(worker: int) -> None:
            turn = turns[worker]
            turns[worker] += 1
            reply = await stubs[(worker + turn) % len(stubs)].AddCartItem(
                cart_pb2.AddCartItemRequest(stock_line_id=line_of(worker), quantity=1),
                metadata=self.customers[worker % len(self.customers)],
                timeout=CALL_TIMEOUT_S,
            )
            self.reservations.append(reply.line.reservation_id)

        return op


async def _target(name: str, addresses: list[str], operator: Metadata, concurrency: int) -> Target:
    channels = [open_channel(a) for a in addresses]
    market = await open_market(channels[0], operator, SPREAD_LINES)
    # Customers registered round-robin over the centrals, each used at all of them.
    groups = await asyncio.gather(
        *(
            register_customers(channels[i], f"{name}-c{i}", len(range(i, concurrency, len(channels))))
            for i in range(len(channels))
        )
    )
    customers = [groups[i % len(channels)][i // len(channels)] for i in range(concurrency)]
    return Target(name, channels, market, customers, [])


async def _ledger(db_url: str, acknowledged: list[str]) -> dict[str, object]:
    """Counters against reservations, and every acknowledged reservation present."""
    db = await asyncpg.connect(raw_url(db_url), timeout=30)
    try:
        broken = await db.fetchval(
            "SELECT COUNT(*) FROM stock_lines s WHERE s.reserved < 0 OR s.reserved + s.sold > s.offered"
            " OR s.reserved <> (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r"
            " WHERE r.stock_line_id = s.stock_line_id AND r.state = 'active')"
        )
        found = await db.fetchval(
            "SELECT COUNT(*) FROM reservations WHERE reservation_id = ANY($1::text[])", acknowledged
        )
    finally:
        await db.close()
    return {
        "lines_violating": broken,
        "acknowledged": len(acknowledged),
        "missing": len(acknowledged) - found,
    }


def _figures(result: LoadResult, baseline: LoadResult | None, echo: LoadResult) -> dict[str, object]:
    figures = result.summary("calls")
    figures["ratio_to_one_central_pg"] = ratio(result.per_s, baseline.per_s) if baseline else None
    figures["ratio_to_echo"] = ratio(result.per_s, echo.per_s)
    figures["conflicts_answered"] = sum(result.errors.get(code, 0) for code in CONFLICT_CODES)
    return figures


async def run(plan: CentralsPlan) -> dict[str, object]:
    """Starts the echo, a SQLite central and 1+2+3 centrals on PostgreSQL; measures; stops all."""
    started = time.perf_counter()
    load_before = centrals_cost.load_average()
    main_task = asyncio.current_task()
    if main_task is not None:
        task = main_task

        def cancel(_: signal.Signals) -> None:
            task.cancel()

        install_stop_handlers(asyncio.get_running_loop(), (signal.SIGTERM,), cancel)
    with (
        tempfile.TemporaryDirectory(prefix="distribution-bench-centrals-") as tmp,
        postgres_server() as admin,
    ):
        work = Path(tmp)
        echo, echo_address = await start_echo(work)
        sqlite = None
        clusters: dict[int, Cluster] = {}
        apart: list[Cluster] = []
        targets: list[Target] = []
        try:
            sqlite = await start_central(work, {})
            for n in CENTRAL_COUNTS:
                clusters[n] = new_cluster(f"pg{n}", await fresh_database(admin, f"bench_pg{n}"), work, n)
                await clusters[n].start()
            apart = [
                new_cluster(f"apart{i}", await fresh_database(admin, f"bench_apart{i}"), work, 1)
                for i in range(1, APART + 1)
            ]
            for cluster in apart:
                await cluster.start()
            operator = sqlite.operator_metadata
            sqlite_target = await _target("sqlite1", [sqlite.address], operator, plan.concurrency)
            targets.append(sqlite_target)
            restarted: dict[str, list[int]] = {}
            pg: dict[int, Target] = {}
            for n, cluster in clusters.items():
                # Customers enough for the equal-load figure (``concurrency`` per central).
                pg[n] = await _target(f"pg{n}", cluster.addresses, operator, plan.concurrency * n)
                targets.append(pg[n])
                restarted[f"pg{n}"] = await cluster.month_everywhere(pg[n].channels, pg[n].market.month)
            alone = [await _target(c.name, c.addresses, operator, plan.concurrency) for c in apart]
            targets += alone
            echo_channels = Channels.open(echo_address, 4)
            payload = cart_pb2.AddCartItemRequest(stock_line_id=1, quantity=1).SerializeToString()
            runners: dict[str, Runner] = {
                "echo": looping(echo_op(echo_channels, payload, operator), plan.concurrency)
            }
            for shape in SHAPES:
                runners[f"sqlite1_{shape}"] = looping(sqlite_target.reserve(shape), plan.concurrency)
                for n in CENTRAL_COUNTS:
                    runners[f"pg{n}_{shape}"] = looping(pg[n].reserve(shape), plan.concurrency)
            await warm_up(runners, plan.warmup_s)
            results = await interleaved(runners, plan.duration_s, plan.slices)
            await echo_channels.close()
            echo_result = results["echo"]
            report: dict[str, object] = {"echo": echo_result.summary("calls")}
            for shape in SHAPES:
                baseline = results[f"pg1_{shape}"]
                report[shape] = {
                    name: _figures(results[f"{name}_{shape}"], baseline, echo_result)
                    for name in ("sqlite1", *(f"pg{n}" for n in CENTRAL_COUNTS))
                }
            report["conflicts_answered"] = sum(
                result.errors.get(code, 0) for result in results.values() for code in CONFLICT_CODES
            )
            report["conflict_log_lines"] = {f"pg{n}": c.conflict_log_lines() for n, c in clusters.items()}
            report["restarted_to_learn_the_month"] = restarted
            measured_costs = await _costs(clusters, pg, sqlite_target, sqlite, admin, plan, (apart, alone))
            report.update(measured_costs)
            costs = measured_costs["cpu_per_call_ms"]
            per_central = measured_costs["cpu_per_call_ms_equal_load_per_central"]
            assert isinstance(costs, dict)
            assert isinstance(per_central, dict)
            lighter = next(
                v for k, v in measured_costs.items() if k.startswith("cpu_per_call_ms_one_central_")
            )
            assert isinstance(lighter, dict)
            control = measured_costs["cpu_per_call_ms_control"]
            assert isinstance(control, dict)
            report["cpu_targets"] = cpu_targets(costs, per_central, lighter, control)
            model = measured_costs["model_check_same_total_load"]
            assert isinstance(model, dict)
            report["capacity_targets"] = capacity_targets(report, model, SHAPES, CENTRAL_COUNTS)
            measured = costs_by_count(costs)
            report["projection_calls_per_s"] = projection.table(measured)
            print("Same total load (64 clients in all):", file=sys.stderr)
            print(projection.markdown(measured), file=sys.stderr)
            scaled = costs_by_count(per_central)
            report["projection_calls_per_s_equal_load_per_central"] = projection.table(scaled)
            print(f"Same load per central ({plan.concurrency} clients each):", file=sys.stderr)
            print(projection.markdown(scaled), file=sys.stderr)
            ledger = {f"pg{n}": await _ledger(c.db_url, pg[n].reservations) for n, c in clusters.items()}
            for cluster, target in zip(apart, alone, strict=True):
                ledger[cluster.name] = await _ledger(cluster.db_url, target.reservations)
            report["ledger"] = ledger
        finally:
            for target in targets:
                for channel in target.channels:
                    await channel.close()
            for cluster in [*clusters.values(), *apart]:
                cluster.stop()
            if sqlite is not None:
                sqlite.child.stop()
            echo.stop()
    report["plan"] = {
        "duration_s": plan.duration_s,
        "slices": plan.slices,
        "concurrency": plan.concurrency,
        "cost_rounds": plan.cost_rounds,
        "spread_lines": SPREAD_LINES,
    }
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    report["load_average"] = {"before": load_before, "after": centrals_cost.load_average()}
    print_summary(report)
    return report


async def _costs(
    clusters: dict[int, Cluster],
    pg: dict[int, Target],
    sqlite_target: Target,
    sqlite: CentralProcess,
    admin_url: str,
    plan: CentralsPlan,
    control: tuple[list[Cluster], list[Target]],
) -> dict[str, object]:
    """CPU ms one reserve (spread) costs, at each load and in the control, with calls/s and calls per commit.

    Loads: the same total for every count of centrals (``concurrency`` clients in all:
    each of 3 centrals sees a third of it, so its group commit batches are a third as
    big); the same per central (``concurrency`` clients each), which isolates what
    following the others costs; and one central with a third of the clients, which is
    what each of 3 centrals sees at the same total load. Then the control: the same
    total split over 2 and 3 single centrals that share nothing (pg1 and ``control``'s,
    each on its own database), and 3 centrals on one database with every call on the
    first. The control is taken at the same load per central too (``concurrency``
    clients each). Before them, each central's CPU per second with no call at all.
    """
    apart, alone = control
    idle = await centrals_cost.idle_cpu(
        {"sqlite1": [sqlite.child.process.pid], **{f"pg{n}": c.pids for n, c in clusters.items()}},
        admin_url,
    )
    configurations = [
        centrals_cost.Configuration(
            "sqlite1", sqlite_target, [sqlite.child.process.pid], plan.concurrency, on_postgres=False
        )
    ]
    configurations += [
        centrals_cost.Configuration(f"pg{n}", pg[n], clusters[n].pids, plan.concurrency)
        for n in CENTRAL_COUNTS
    ]
    third = max(plan.concurrency // max(CENTRAL_COUNTS), 1)
    configurations.append(centrals_cost.Configuration("pg1/third", pg[1], clusters[1].pids, third))
    configurations += [
        centrals_cost.Configuration(f"pg{n}/each", pg[n], clusters[n].pids, plan.concurrency * n)
        for n in CENTRAL_COUNTS
        if n > 1
    ]
    for n in CENTRAL_COUNTS[1:]:
        pids = clusters[1].pids + [pid for cluster in apart[: n - 1] for pid in cluster.pids]
        together = Apart([pg[1], *alone[: n - 1]])
        configurations.append(centrals_cost.Configuration(f"pg{n}/apart", together, pids, plan.concurrency))
        configurations.append(
            centrals_cost.Configuration(f"pg{n}/apart_each", together, pids, plan.concurrency * n)
        )
    first_only = dataclasses.replace(pg[3], channels=pg[3].channels[:1])
    configurations.append(
        centrals_cost.Configuration("pg3/one_serving", first_only, clusters[3].pids, plan.concurrency)
    )
    medians = await centrals_cost.measure(configurations, admin_url, plan.duration_s, plan.cost_rounds)
    same_total = {name: f for name, f in medians.items() if "/" not in name}
    # pg1 is its own equal-load figure: one central with ``concurrency`` clients.
    per_central = {"pg1": medians["pg1"]}
    per_central.update({name.split("/")[0]: f for name, f in medians.items() if name.endswith("/each")})
    control_figures = {name.split("/")[0]: f for name, f in medians.items() if name.endswith("/apart")}
    control_figures.update(
        {name.split("/")[0] + "_each": f for name, f in medians.items() if name.endswith("/apart_each")}
    )
    control_figures["pg3_one_serving"] = medians["pg3/one_serving"]
    return {
        "idle_cpu_ms_per_s_per_central": idle,
        "cpu_per_call_ms": same_total,
        "cpu_per_call_ms_equal_load_per_central": per_central,
        f"cpu_per_call_ms_one_central_{third}_clients": medians["pg1/third"],
        "cpu_per_call_ms_control": control_figures,
        "model_check_same_total_load": centrals_cost.model_check(same_total),
    }


def parse_args(argv: Sequence[str] | None = None) -> CentralsPlan:
    """Flags -> the plan."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks centrals", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 s per figure in one slice")
    parser.add_argument("--duration", type=float, help="measured seconds per figure")
    parser.add_argument("--slices", type=int, help="turns each figure is split into")
    parser.add_argument("--concurrency", type=int, default=64, help="closed-loop clients per figure")
    parser.add_argument("--cost-rounds", type=int, default=3, help="times each CPU figure is taken")
    args = parser.parse_args(argv)
    plan = CentralsPlan(duration_s=1.0, warmup_s=0.2, slices=1) if args.quick else CentralsPlan()
    return CentralsPlan(
        duration_s=plan.duration_s if args.duration is None else args.duration,
        warmup_s=plan.warmup_s if args.duration is None else min(plan.warmup_s, args.duration / 4),
        slices=plan.slices if args.slices is None else args.slices,
        concurrency=args.concurrency,
        cost_rounds=args.cost_rounds,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Runs on uvloop when installed and prints one JSON object."""
    plan = parse_args(argv)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a Linux dependency
        runner = asyncio.run
    else:
        runner = uvloop.run
    try:
        report = runner(run(plan))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("benchmark interrupted; every server was stopped", file=sys.stderr)
        return 130
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
