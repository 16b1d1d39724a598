"""`python -m benchmarks compare COMMIT`: an earlier commit's central side by side with the working tree's.

The earlier commit is checked out in a temporary git worktree and its central
runs there on its own interpreter (a virtual environment made from that
commit's pyproject.toml, kept in ``~/.cache/distribution-bench`` for the next
run); the working tree's central runs from here. Both are driven by this
checkout's client, in pairs (old then new, new then old, alternately), each run
beside a fresh bare echo: reserve (spread and hot line) and checkout pairs as
ratios to the echo, taking turns in slices, then the central's CPU time per
reserve from /proc with spread reserves alone, as many as each can take (a
closed loop) and at a fixed rate both can take (the same load, so the same
batches: the steadier figure). The report gives every run, the
medians of each side, and in how many pairs the working tree did at least as
well, on one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.central_proc import start_central
from benchmarks.cpu import Counted, cpu_seconds
from benchmarks.echo import start_echo
from benchmarks.load import LoadResult, Runner, interleaved, looping, percentile, ratio, warm_up
from benchmarks.market import open_market, register_customers
from benchmarks.paced import paced
from benchmarks.process import REPOSITORY
from benchmarks.scenarios import Channels, Ledger, checkout_op, echo_op, reserve_op
from generated.distribution.v1 import cart_pb2

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "distribution-bench"
SPREAD_LINES = 64
# Figures where more is better; CPU per reserve and p99 ratios are better lower.
HIGHER_IS_BETTER = ("reserve_ratio", "hot_ratio", "checkout_ratio")
LOWER_IS_BETTER = (
    "cpu_per_reserve_ms",
    "loop_cpu_per_reserve_ms",
    "cpu_per_reserve_paced_ms",
    "reserve_p99_ratio",
)


@dataclass(frozen=True)
class ComparePlan:
    """How long and how often."""

    commit: str
    pairs: int = 5
    duration_s: float = 2.0
    slices: int = 2
    cpu_s: float = 3.0
    # Spread reserves a second for the paced CPU figure: well within what either central takes.
    paced_rate: float = 600.0
    warmup_s: float = 0.3
    concurrency: int = 64
    channels: int = 4
    own_venv: bool = True


@dataclass(frozen=True)
class Side:
    """One central to measure: a name, its checkout and its interpreter."""

    name: str
    root: Path
    python: str


def _git(*args: str, cwd: Path = REPOSITORY) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@contextmanager
def checkout_of(commit: str, own_venv: bool) -> Iterator[Side]:
    """The commit in a temporary git worktree (removed afterwards), with its interpreter."""
    full = _git("rev-parse", "--verify", f"{commit}^{{commit}}")
    folder = Path(tempfile.mkdtemp(prefix="distribution-compare-")) / full[:7]
    _git("worktree", "add", "--detach", str(folder), full)
    try:
        yield Side(full[:7], folder, interpreter_for(folder) if own_venv else sys.executable)
    finally:
        _git("worktree", "remove", "--force", str(folder))
        folder.parent.rmdir()


def interpreter_for(tree: Path) -> str:
    """A virtual environment with the dependencies of ``tree``'s pyproject.toml (made once, then reused)."""
    digest = hashlib.sha256((tree / "pyproject.toml").read_bytes()).hexdigest()[:12]
    venv = CACHE / f"venv-{digest}"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"making {venv} for {tree.name} (once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(tree)], check=True)
    return str(python)


async def one_run(side: Side, plan: ComparePlan) -> dict[str, float | None]:
    """Echo and ``side``'s central, fresh, measured; both always stopped."""
    with tempfile.TemporaryDirectory(prefix="distribution-compare-run-") as tmp:
        work_dir = Path(tmp)
        echo, echo_address = await start_echo(work_dir)
        try:
            central = await start_central(work_dir, {}, side.python, side.root)
            try:
                return await _measure(
                    plan, echo_address, central.address, central.operator_metadata, central.child.pid
                )
            finally:
                central.child.stop()
        finally:
            echo.stop()


async def _measure(
    plan: ComparePlan, echo_address: str, address: str, operator: tuple[tuple[str, str], ...], pid: int
) -> dict[str, float | None]:
    echo_channels = Channels.open(echo_address, plan.channels)
    channels = Channels.open(address, plan.channels)
    try:
        market = await open_market(channels[0], operator, SPREAD_LINES)
        shoppers = await register_customers(channels[0], "reserver", plan.concurrency)
        buyers = await register_customers(channels[0], "buyer", plan.concurrency)
        ledger = Ledger()
        payload = cart_pb2.AddCartItemRequest(stock_line_id=market.spread_lines[0], quantity=1)
        spread = reserve_op(channels, shoppers, market.spread_lines, ledger)
        c = plan.concurrency
        runners: dict[str, Runner] = {
            "echo": looping(echo_op(echo_channels, payload.SerializeToString(), shoppers[0]), c),
            "spread": looping(spread, c),
            "hot": looping(reserve_op(channels, shoppers, [market.hot_line], ledger), c),
            "checkout": looping(checkout_op(channels, buyers, market.spread_lines, ledger, []), c),
        }
        await warm_up(runners, plan.warmup_s)
        main = await interleaved(runners, plan.duration_s, plan.slices)
        counted = Counted(spread)
        before, loop_before = cpu_seconds(pid), loop_cpu_seconds(pid)
        alone = await looping(counted, c)(plan.cpu_s)
        cpu_ms = (cpu_seconds(pid) - before) * 1000 / max(counted.calls, 1)
        loop_ms = (loop_cpu_seconds(pid) - loop_before) * 1000 / max(counted.calls, 1)
        before = cpu_seconds(pid)
        calls = await paced(spread, plan.paced_rate, plan.cpu_s, c)
        paced_ms = (cpu_seconds(pid) - before) * 1000 / max(calls, 1)
    finally:
        await echo_channels.close()
        await channels.close()
    echo = main["echo"]
    return {
        "reserve_ratio": ratio(main["spread"].per_s, echo.per_s),
        "hot_ratio": ratio(main["hot"].per_s, echo.per_s),
        "checkout_ratio": ratio(main["checkout"].per_s * 2, echo.per_s),
        "reserve_p99_ratio": ratio(_p99(main["spread"]), _p99(echo)),
        "cpu_per_reserve_ms": round(cpu_ms, 3),
        "loop_cpu_per_reserve_ms": round(loop_ms, 3),
        "cpu_per_reserve_paced_ms": round(paced_ms, 3),
        "reserves_per_s_alone": round(alone.per_s, 1),
    }


def loop_cpu_seconds(pid: int) -> float:
    """CPU seconds of the process's main thread, the central's event loop (its thread id is the pid).

    The loop holds the GIL for all the central's Python work, so its CPU per call bounds the
    reserves a second; the process's figure adds the commit thread and gRPC's own threads.
    """
    try:
        fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p99(result: LoadResult) -> float:
    return percentile(sorted(result.latencies_s), 0.99)


def summarise(runs: dict[str, list[dict[str, float | None]]], old: str, new: str) -> dict[str, object]:
    """Medians per side, and per figure the pairs in which the working tree did at least as well."""
    medians = {
        side: {key: statistics.median(r[key] or 0.0 for r in results) for key in results[0]}
        for side, results in runs.items()
    }
    pairs = list(zip(runs[old], runs[new], strict=True))
    as_well: dict[str, str] = {}
    for key in HIGHER_IS_BETTER:
        as_well[key] = f"{sum((n[key] or 0) >= (o[key] or 0) for o, n in pairs)} of {len(pairs)}"
    for key in LOWER_IS_BETTER:
        as_well[key] = f"{sum((n[key] or 0) <= (o[key] or 0) for o, n in pairs)} of {len(pairs)}"
    return {"medians": medians, "working_tree_at_least_as_good_in_pairs": as_well}


async def compare(plan: ComparePlan) -> dict[str, object]:
    """Runs the pairs and returns the report."""
    new = Side("working tree", REPOSITORY, sys.executable)
    with checkout_of(plan.commit, plan.own_venv) as old:
        runs: dict[str, list[dict[str, float | None]]] = {old.name: [], new.name: []}
        for index in range(plan.pairs):
            for side in (old, new) if index % 2 == 0 else (new, old):
                runs[side.name].append(await one_run(side, plan))
                print(f"pair {index + 1}, {side.name}: {runs[side.name][-1]}", file=sys.stderr)
    return {
        "benchmark": f"single central: {old.name} beside the working tree, {plan.pairs} interleaved pairs",
        "working_tree_head": _git("rev-parse", "--short", "HEAD"),
        "plan": {
            "duration_s": plan.duration_s,
            "slices": plan.slices,
            "cpu_s": plan.cpu_s,
            "paced_rate_per_s": plan.paced_rate,
            "concurrency": plan.concurrency,
            "own_venv": plan.own_venv,
        },
        "loadavg": loadavg(),
        **summarise(runs, old.name, new.name),
        "runs": runs,
    }


def loadavg() -> list[str]:
    """The machine's load averages over 1, 5 and 15 minutes (the figures' noise)."""
    return Path("/proc/loadavg").read_text().split()[:3]


def parse_args(argv: Sequence[str] | None = None) -> ComparePlan:
    """Flags -> the plan."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks compare", description=__doc__)
    parser.add_argument("commit", help="the earlier commit, e.g. 5cce269")
    parser.add_argument("--pairs", type=int, default=5, help="interleaved pairs (default 5)")
    parser.add_argument("--duration", type=float, default=2.0, help="measured seconds per figure")
    parser.add_argument("--slices", type=int, default=2, help="turns each figure is split into")
    parser.add_argument("--cpu-seconds", type=float, default=3.0, help="seconds of spread reserves for CPU")
    parser.add_argument("--concurrency", type=int, default=64, help="closed-loop clients")
    parser.add_argument(
        "--paced-rate", type=float, default=600.0, help="reserves a second for the paced CPU figure"
    )
    parser.add_argument(
        "--shared-venv", action="store_true", help="run the commit on this interpreter, not a venv of its own"
    )
    args = parser.parse_args(argv)
    return ComparePlan(
        commit=args.commit,
        pairs=args.pairs,
        duration_s=args.duration,
        slices=args.slices,
        cpu_s=args.cpu_seconds,
        concurrency=args.concurrency,
        paced_rate=args.paced_rate,
        own_venv=not args.shared_venv,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the comparison on uvloop and prints one JSON object."""
    plan = parse_args(argv)
    import uvloop

    report = uvloop.run(compare(plan))
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
