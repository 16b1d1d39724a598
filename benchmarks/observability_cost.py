"""`python -m benchmarks.observability_cost`: the central's CPU per reserve with metrics off and on.

Each round starts a fresh central twice, side by side (metrics off and on with
``DISTRIBUTION_METRICS``, which one first alternating), runs 64 closed-loop clients of
AddCartItem against it, and reads the central's CPU time from /proc around the run.
Prints one JSON object: every run, the medians, and the load average before and after
(the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.central_proc import start_central
from benchmarks.cpu import cpu_seconds
from benchmarks.load import closed_loop
from benchmarks.market import open_market, register_customers
from benchmarks.scenarios import Channels, Ledger, reserve_op

CLIENTS = 64
LINES = 64
CHANNELS = 4
METRICS_ENV = "DISTRIBUTION_METRICS"


async def cpu_per_reserve(metrics: bool, duration_s: float) -> dict[str, float]:
    """One fresh central, warmed up, then ``duration_s`` of reserves: its CPU microseconds per reserve."""
    if metrics:
        os.environ[METRICS_ENV] = "127.0.0.1:0"
    else:
        os.environ.pop(METRICS_ENV, None)
    with tempfile.TemporaryDirectory(prefix="distribution-obs-bench-") as tmp:
        central = await start_central(Path(tmp), {})
        channels = Channels.open(central.address, CHANNELS)
        try:
            market = await open_market(channels[0], central.operator_metadata, LINES)
            shoppers = await register_customers(channels[0], "reserver", CLIENTS)
            ledger = Ledger()
            op = reserve_op(channels, shoppers, market.spread_lines, ledger)
            await closed_loop(op, CLIENTS, 1.0)
            calls_before, cpu_before = len(ledger.reservations), cpu_seconds(central.child.pid)
            await closed_loop(op, CLIENTS, duration_s)
            calls = len(ledger.reservations) - calls_before
            cpu = cpu_seconds(central.child.pid) - cpu_before
        finally:
            await channels.close()
            central.child.stop()
            os.environ.pop(METRICS_ENV, None)
    return {"reserves": calls, "cpu_s": round(cpu, 3), "cpu_us_per_reserve": round(cpu / calls * 1e6, 1)}


def _load() -> list[str]:
    """The 1, 5 and 15 minute load averages."""
    return Path("/proc/loadavg").read_text().split()[:3]


async def run(rounds: int, duration_s: float) -> dict[str, object]:
    """``rounds`` pairs of runs, metrics off and on in turn, and their medians."""
    load_before = _load()
    runs: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
    for round_ in range(rounds):
        # Off first, then on first: a machine getting busier does not favour one side.
        for metrics in (False, True) if round_ % 2 == 0 else (True, False):
            runs["on" if metrics else "off"].append(await cpu_per_reserve(metrics, duration_s))
    medians = {mode: statistics.median(r["cpu_us_per_reserve"] for r in rs) for mode, rs in runs.items()}
    return {
        "benchmark": "central CPU per reserve (AddCartItem, 64 clients), metrics off vs on",
        "load_before": load_before,
        "load_after": _load(),
        "runs": runs,
        "median_us_per_reserve": medians,
        "metrics_on_over_off": round(medians["on"] / medians["off"], 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the rounds and prints the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.observability_cost", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="pairs of runs (off, on)")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds of reserves per run")
    args = parser.parse_args(argv)
    json.dump(asyncio.run(run(args.rounds, args.duration)), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
