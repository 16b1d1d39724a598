"""One benchmark run: each figure of the central beside the bare echo's, with their ratios."""

from __future__ import annotations

import asyncio
import os
import platform
import sqlite3
import time
from datetime import date

import grpc

from benchmarks import invariant, memory, streams
from benchmarks.central_proc import PROFILE_ENV, CentralProcess
from benchmarks.load import LoadResult, Op, Runner, interleaved, looping, percentile, ratio, warm_up
from benchmarks.market import Market, Metadata, open_market, register_customers
from benchmarks.plan import BRANCH, Plan
from benchmarks.process import Child
from benchmarks.scenarios import Channels, Ledger, checkout_op, echo_op, reserve_op
from generated.distribution.v1 import cart_pb2
from nodekit.auth import bearer_metadata

Report = dict[str, object]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _p99(result: LoadResult) -> float:
    return percentile(sorted(result.latencies_s), 0.99)


def _versus(ours: LoadResult, echo: LoadResult, shape: str) -> Report:
    """Our figures with the shape and the ratios to the echo's."""
    figures = ours.summary("calls")
    figures["shape"] = shape
    figures["throughput_ratio"] = ratio(ours.per_s, echo.per_s)
    figures["p99_ratio"] = ratio(_p99(ours), _p99(echo))
    return figures


def _pairs(pairs: LoadResult, checkouts: list[tuple[float, float]], echo: LoadResult, shape: str) -> Report:
    """Add+checkout pair figures; the Checkout call alone is compared with one echo call."""
    figures = pairs.summary("pairs")
    figures["shape"] = shape
    figures["rpcs_per_s"] = round(pairs.per_s * 2, 1)
    ordered = sorted(seconds for done, seconds in checkouts if pairs.within(done))
    figures["checkout_call_p50_ms"] = _ms(percentile(ordered, 0.50))
    figures["checkout_call_p99_ms"] = _ms(percentile(ordered, 0.99))
    figures["rpc_throughput_ratio"] = ratio(pairs.per_s * 2, echo.per_s)
    figures["pair_throughput_ratio"] = ratio(pairs.per_s, echo.per_s)
    figures["checkout_call_p99_ratio"] = ratio(percentile(ordered, 0.99), _p99(echo))
    return figures


class _Phases:
    """Wall time of each phase of the run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 1)
        self._last = now


class Suite:
    """Measures echo and central side by side; see ``run`` for the order."""

    def __init__(self, plan: Plan, echo: Child, echo_address: str, central: CentralProcess) -> None:
        self.plan = plan
        self.echo = echo
        self.central = central
        self.echo_channels = Channels.open(echo_address, plan.channels)
        self.central_channels = Channels.open(central.address, plan.channels)
        self.ledger = Ledger()

    async def run(self) -> Report:
        """Sets up the market, measures, checks the invariant last (after a SIGKILL)."""
        try:
            return await self._run()
        finally:
            await self.echo_channels.close()
            await self.central_channels.close()

    async def _run(self) -> Report:
        plan = self.plan
        operator = self.central.operator_metadata
        phases = _Phases()
        market = await open_market(self.central_channels[0], operator, plan.spread_lines)
        shoppers = await register_customers(
            self.central_channels[0], "reserver", max(*plan.scaling, plan.concurrency)
        )
        buyers = await register_customers(self.central_channels[0], "buyer", plan.concurrency)
        payload = cart_pb2.AddCartItemRequest(
            stock_line_id=market.spread_lines[0], quantity=1
        ).SerializeToString()
        echo = echo_op(self.echo_channels, payload, shoppers[0])
        spread = reserve_op(self.central_channels, shoppers, market.spread_lines, self.ledger)
        hot = reserve_op(self.central_channels, shoppers, [market.hot_line], self.ledger)
        spread_checkouts: list[tuple[float, float]] = []
        hot_checkouts: list[tuple[float, float]] = []
        c = plan.concurrency
        runners: dict[str, Runner] = {
            "echo": looping(echo, c),
            "reserve_spread": looping(spread, c),
            "reserve_hot": looping(hot, c),
            "checkout_spread": looping(
                checkout_op(
                    self.central_channels,
                    buyers,
                    market.spread_lines,
                    self.ledger,
                    spread_checkouts,
                ),
                c,
            ),
            "checkout_hot": looping(
                checkout_op(self.central_channels, buyers, [market.hot_line], self.ledger, hot_checkouts),
                c,
            ),
        }
        # Warm both servers (connections, caches, the central's write queue) before timing.
        phases.mark("setup")
        await warm_up(runners, plan.warmup_s * 2)
        spread_checkouts.clear()
        hot_checkouts.clear()
        main = await interleaved(runners, plan.duration_s, plan.slices)
        phases.mark("main")
        echo_main = main["echo"]
        report: Report = {
            "benchmark": "central (python -m central, SQLite synchronous=FULL) vs bare grpc.aio echo",
            "machine": self._machine(),
            "plan": self._plan(),
            "echo_unary": echo_main.summary("calls"),
            "reserve": {
                "call": "CartService.AddCartItem, 1 unit",
                "spread": _versus(
                    main["reserve_spread"], echo_main, f"{c} clients over {plan.spread_lines} lines"
                ),
                "hot_line": _versus(main["reserve_hot"], echo_main, f"all {c} clients on one line"),
            },
            "checkout": {
                "unit": "whole pairs: AddCartItem (1 unit) then Checkout; rpcs = 2 x pairs",
                "spread": _pairs(
                    main["checkout_spread"],
                    spread_checkouts,
                    echo_main,
                    f"{c} clients over {plan.spread_lines} lines",
                ),
                "hot_line": _pairs(
                    main["checkout_hot"], hot_checkouts, echo_main, f"all {c} clients on one line"
                ),
            },
        }
        report["scaling"] = await self._scaling(echo, spread, echo_main, main["reserve_spread"])
        phases.mark("scaling")
        report["stream"] = await self._streams(payload)
        phases.mark("stream")
        report["memory"] = await self._memory(shoppers[0])
        phases.mark("memory")
        report["invariant"] = await self._invariant(market)
        phases.mark("invariant")
        report["targets"] = _targets(report)
        report["phase_seconds"] = phases.seconds
        return report

    # -- measurements -------------------------------------------------------------
    async def _scaling(
        self, echo: Op, reserve: Op, echo_main: LoadResult, reserve_main: LoadResult
    ) -> list[Report]:
        rows: list[Report] = []
        for clients in self.plan.scaling:
            if clients == self.plan.concurrency:
                pair = {"echo": echo_main, "reserve": reserve_main}
            else:
                runners = {"echo": looping(echo, clients), "reserve": looping(reserve, clients)}
                await warm_up(runners, self.plan.warmup_s)
                pair = await interleaved(runners, self.plan.duration_s, self.plan.slices)
            e, r = pair["echo"].summary(), pair["reserve"].summary()
            rows.append(
                {
                    "clients": clients,
                    "echo_calls_per_s": e["calls_per_s"],
                    "reserve_calls_per_s": r["calls_per_s"],
                    "throughput_ratio": ratio(pair["reserve"].per_s, pair["echo"].per_s),
                    "echo_p50_ms": e["p50_ms"],
                    "reserve_p50_ms": r["p50_ms"],
                    "echo_p99_ms": e["p99_ms"],
                    "reserve_p99_ms": r["p99_ms"],
                    "p99_ratio": ratio(_p99(pair["reserve"]), _p99(pair["echo"])),
                    "reserve_errors": r["errors"],
                }
            )
        return rows

    async def _streams(self, payload: bytes) -> Report:
        plan = self.plan
        window = plan.stream_window
        metadata = bearer_metadata(plan.branch_keys[BRANCH])
        echo_channel, central_channel = self.echo_channels[0], self.central_channels[0]
        runners: dict[str, Runner] = {
            "echo": lambda d: streams.echo_stream(echo_channel, payload, metadata, window, d),
            "sales": lambda d: streams.sales_stream(central_channel, metadata, window, d, self.ledger.sales),
        }
        result: Report = {"shape": f"one bidi stream at a time, {window} messages in flight"}
        try:
            await warm_up(runners, plan.warmup_s)
            measured = await interleaved(runners, plan.duration_s, plan.slices)
        except grpc.aio.AioRpcError as error:
            result["echo"] = (
                await streams.echo_stream(echo_channel, payload, metadata, window, plan.duration_s)
            ).summary("messages")
            result["branch_sales"] = {"error": f"{error.code().name}: {error.details()}"}
            result["throughput_ratio"] = None
            return result
        echo, sales = measured["echo"], measured["sales"]
        result["echo"] = echo.summary("messages")
        # The central acknowledges each commit's sales in one message.
        acks_per_message = round(sales.acked / max(sales.ack_messages, 1), 1)
        result["branch_sales"] = {**sales.summary("acks"), "acks_per_message": acks_per_message}
        result["throughput_ratio"] = ratio(sales.per_s, echo.per_s)
        result["p99_ratio"] = ratio(_p99(sales), _p99(echo))
        return result

    async def _memory(self, customer: Metadata) -> Report:
        count = self.plan.watchers
        echo = await memory.echo_streams(self.echo.pid, self.echo_channels, customer, count)
        central = await memory.catalog_watchers(
            self.central.child.pid, self.central_channels, customer, count
        )
        return {
            "shape": f"{count} streams over {self.plan.channels} channels",
            "central_catalog_watchers": central.summary(),
            "echo_idle_bidi_streams": echo.summary(),
            "rss_ratio": ratio(central.during_kib, echo.during_kib),
            "per_stream_ratio": ratio(central.per_stream_kib, echo.per_stream_kib),
        }

    async def _invariant(self, market: Market) -> Report:
        status = await invariant.status_check(
            self.central_channels[0], self.central.operator_metadata, market.month
        )
        # Kill without warning: what was acknowledged must already be in the file.
        # (Under cProfile the central is stopped with SIGTERM instead, so it writes its stats.)
        profiling = bool(os.environ.get(PROFILE_ENV))
        if profiling:
            self.central.child.stop()
        else:
            self.central.child.crash()
        database = await asyncio.to_thread(invariant.database_check, self.central.db_path, self.ledger)
        return {
            "status_via_GetMonthStatus": status,
            "database": database,
            "database_read_after": "SIGTERM" if profiling else "SIGKILL",
            "ok": bool(status["ok"] and database["ok"]),
        }

    # -- context ------------------------------------------------------------------
    def _machine(self) -> Report:
        loop = type(asyncio.get_running_loop())
        return {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "grpcio": grpc.__version__,
            "sqlite": sqlite3.sqlite_version,
            "client_loop": f"{loop.__module__}.{loop.__name__}",
            "date": date.today().isoformat(),
        }

    def _plan(self) -> Report:
        plan = self.plan
        return {
            "duration_s": plan.duration_s,
            "warmup_s": plan.warmup_s,
            "slices": plan.slices,
            "concurrency": plan.concurrency,
            "spread_lines": plan.spread_lines,
            "channels_per_server": plan.channels,
            "scaling": list(plan.scaling),
            "stream_window": plan.stream_window,
            "watchers": plan.watchers,
        }


def _targets(report: Report) -> Report:
    """The design's targets, each with its figure and whether it is met."""

    def get(*path: str) -> float | None:
        node: object = report
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node if isinstance(node, int | float) else None

    def check(value: float | None, bound: float, at_least: bool) -> Report:
        met = None if value is None else (value >= bound if at_least else value <= bound)
        return {"ratio": value, "bound": bound, "met": met}

    return {
        "reserve_throughput_ratio>=0.6": check(get("reserve", "spread", "throughput_ratio"), 0.6, True),
        "checkout_rpc_throughput_ratio>=0.6": check(
            get("checkout", "spread", "rpc_throughput_ratio"), 0.6, True
        ),
        "hot_reserve_throughput_ratio>=0.5": check(get("reserve", "hot_line", "throughput_ratio"), 0.5, True),
        "hot_checkout_rpc_throughput_ratio>=0.5": check(
            get("checkout", "hot_line", "rpc_throughput_ratio"), 0.5, True
        ),
        "stream_throughput_ratio>=0.6": check(get("stream", "throughput_ratio"), 0.6, True),
        "reserve_p99_ratio<=2": check(get("reserve", "spread", "p99_ratio"), 2.0, False),
        "checkout_call_p99_ratio<=2": check(get("checkout", "spread", "checkout_call_p99_ratio"), 2.0, False),
    }
