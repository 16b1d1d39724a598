"""The short account of a `benchmarks centrals` report printed on stderr: costs, batches, targets."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, TextIO


def _row(name: str, f: Mapping[str, Any]) -> str:
    return (
        f"| {name} | {f['centrals']:.3f} + {f['postgres']:.3f} + {f['client']:.3f} "
        f"| {f['calls_per_commit']:.1f} | {f['calls_per_s']:,.0f} |"
    )


def print_summary(report: Mapping[str, Any], out: TextIO = sys.stderr) -> None:
    """CPU per call at each load, calls per commit, idle cost, the model check and the issue's targets."""
    load = report["load_average"]
    print(f"Load average (1 min) before / after: {load['before']} / {load['after']}", file=out)
    print(
        "| measured alone (spread) | CPU ms per call: centrals + PostgreSQL + client "
        "| calls per commit | calls/s |",
        file=out,
    )
    print("|---|---|---:|---:|", file=out)
    for name, figures in report["cpu_per_call_ms"].items():
        print(_row(f"{name}, {report['plan']['concurrency']} clients in all", figures), file=out)
    for key, figures in report.items():
        if key.startswith("cpu_per_call_ms_one_central_"):
            clients = key.rsplit("_", 2)[-2]
            print(_row(f"pg1, {clients} clients", figures), file=out)
    for name, figures in report["cpu_per_call_ms_equal_load_per_central"].items():
        if name != "pg1":
            print(_row(f"{name}, {report['plan']['concurrency']} clients each", figures), file=out)
    clients = report["plan"]["concurrency"]
    for name, figures in report["cpu_per_call_ms_control"].items():
        if name.endswith("one_serving"):
            label = f"pg3, every call on the first, {clients} clients in all"
        elif name.endswith("_each"):
            label = f"{name.removesuffix('_each')} apart, {clients} clients each"
        else:
            label = f"{name} apart, {clients} clients in all"
        print(_row(label, figures), file=out)
    idle = report["idle_cpu_ms_per_s_per_central"]
    print(
        "Idle CPU ms per second, per central: "
        + ", ".join(f"{name} {value}" for name, value in idle.items()),
        file=out,
    )
    model = report["model_check_same_total_load"]
    print(f"Calls/s alone against the model for {model['cores']} cores (same total load):", file=out)
    for name, checked in model.items():
        if isinstance(checked, dict):
            print(
                f"  {name}: {checked['calls_per_s']:,.0f} of {checked['model_calls_per_s']:,} "
                f"({checked['share_of_model']:.0%}), {checked['cores_used']} cores used, "
                f"{checked['over_one_central']}x one central",
                file=out,
            )
    print("Targets (issue 24):", file=out)
    for group in ("cpu_targets", "capacity_targets"):
        for name, target in _flat(report[group]):
            mark = "met" if target["met"] else "NOT met"
            print(f"  {name}: {target['measured']} ({target['target']}) {mark}", file=out)


def _flat(targets: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Mapping[str, Any]]]:
    found: list[tuple[str, Mapping[str, Any]]] = []
    for name, value in targets.items():
        if "met" in value:
            found.append((prefix + name, value))
        else:
            found += _flat(value, f"{prefix}{name}: ")
    return found
