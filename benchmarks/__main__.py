"""`python -m benchmarks`: the central against a bare grpc.aio echo, one JSON object on stdout."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.central_proc import start_central
from benchmarks.echo import start_echo
from benchmarks.plan import Plan
from benchmarks.suite import Suite
from nodekit.platform import install_stop_handlers


def parse_args(argv: Sequence[str] | None = None) -> Plan:
    """Flags -> the plan of a run."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        epilog="python -m benchmarks centrals --help: 1, 2 and 3 centrals on one PostgreSQL; "
        "python -m benchmarks compare --help: an earlier commit beside the working tree",
    )
    parser.add_argument("--quick", action="store_true", help="short smoke run (~30 s)")
    parser.add_argument("--duration", type=float, help="seconds per measurement")
    parser.add_argument("--slices", type=int, help="turns each measurement takes with the echo's")
    parser.add_argument("--concurrency", type=int, default=64, help="clients of the main figures")
    parser.add_argument("--watchers", type=int, default=1000, help="catalog watchers for memory")
    parser.add_argument("--channels", type=int, default=4, help="client channels per server")
    args = parser.parse_args(argv)
    plan = Plan.quick() if args.quick else Plan()
    return plan.with_overrides(
        duration_s=args.duration,
        slices=args.slices,
        concurrency=args.concurrency,
        watchers=args.watchers,
        channels=args.channels,
    )


async def run(plan: Plan) -> dict[str, object]:
    """Starts the echo and the central in their own processes, measures, always stops both."""
    started = time.perf_counter()
    # SIGTERM cancels the run like Ctrl-C does, so the finally blocks stop both servers.
    main_task = asyncio.current_task()
    if main_task is not None:
        task = main_task

        def cancel(_: signal.Signals) -> None:
            task.cancel()

        install_stop_handlers(asyncio.get_running_loop(), (signal.SIGTERM,), cancel)
    with tempfile.TemporaryDirectory(prefix="distribution-bench-") as tmp:
        work_dir = Path(tmp)
        echo, echo_address = await start_echo(work_dir)
        try:
            central = await start_central(work_dir, plan.branch_keys)
            try:
                report = await Suite(plan, echo, echo_address, central).run()
            finally:
                central.child.stop()
        finally:
            echo.stop()
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the benchmark on uvloop when installed and prints one JSON object.

    ``python -m benchmarks centrals ...`` runs the several-centrals benchmark instead
    (``benchmarks.centrals``; it needs PostgreSQL's server binaries and asyncpg).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["centrals"]:
        from benchmarks import centrals

        return centrals.main(args[1:])
    if args[:1] == ["compare"]:
        from benchmarks import compare

        return compare.main(args[1:])
    plan = parse_args(args)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a Linux dependency
        runner = asyncio.run
    else:
        runner = uvloop.run
    try:
        report = runner(run(plan))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("benchmark interrupted; both servers were stopped", file=sys.stderr)
        return 130
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
