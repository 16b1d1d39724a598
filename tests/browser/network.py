"""A small network for the browser tests: a central process with an open month, and the web node."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Coroutine, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import grpc

from generated.distribution.v1 import common_pb2, month_pb2
from nodekit.auth import bearer_metadata
from nodekit.channel import open_channel
from nodekit.health import wait_until_serving
from nodekit.ports import free_port
from tests.helpers import TIMEOUT, Stubs, add, checkout, register, until, wait_for
from tests.processes import ROOT, node_env

T = TypeVar("T")

OPERATOR_KEY = "browser-operator-key"
STARTUP_S = 30.0


def _in_thread(main: Coroutine[Any, Any, T]) -> T:
    """Runs ``main`` on its own loop in another thread: Playwright's sync API holds this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main).result()


@dataclass(frozen=True, slots=True)
class Network:
    """The central's address, the web node's URL and the stock line ids by product, and both processes."""

    central: str
    url: str
    lines: dict[str, int]
    central_process: subprocess.Popen[bytes] | None = None
    web_process: subprocess.Popen[bytes] | None = None


async def _open_month(central: str, offers: dict[str, dict[str, int]]) -> dict[str, int]:
    operator = bearer_metadata(OPERATOR_KEY)
    async with open_channel(central) as channel:
        months = Stubs.on(channel).months
        opened = await months.OpenMonth(
            month_pb2.OpenMonthRequest(offer_deadline_ms=1), metadata=operator, timeout=TIMEOUT
        )
        lines: dict[str, int] = {}
        for maker, products in offers.items():
            reply = await months.SubmitOffer(
                month_pb2.SubmitOfferRequest(
                    manufacturer_name=maker,
                    month=opened.month,
                    lines=[
                        common_pb2.OfferLine(product=p, quantity=q, unit_price_cents=250)
                        for p, q in products.items()
                    ],
                ),
                metadata=operator,
                timeout=TIMEOUT,
            )
            lines.update({line.product: line.stock_line_id for line in reply.stock_lines})
        return lines


async def _buy(central: str, line_id: int, quantity: int, key: str) -> None:
    async with open_channel(central) as channel:
        stubs = Stubs.on(channel)
        buyer = await register(stubs, f"buyer-{key}")
        await add(stubs, buyer, line_id, quantity)
        await checkout(stubs, buyer, f"browser-test-{key}")


def buy(network: Network, product: str, quantity: int, key: str) -> None:
    """Another customer (not the browser) buys ``quantity`` units of ``product`` over gRPC."""
    _in_thread(_buy(network.central, network.lines[product], quantity, key))


def _answers(url: str, process: subprocess.Popen[bytes]) -> bool:
    """Whether the web node answers ``url`` with 200; raises at once if its process has exited."""
    if process.poll() is not None:
        raise RuntimeError(f"the web node at {url} exited ({process.returncode}) before it came up")
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


def _wait_for_http(url: str, process: subprocess.Popen[bytes]) -> None:
    wait_for(lambda: _answers(url, process), STARTUP_S, f"the web node at {url} to come up")


@contextlib.contextmanager
def _process(argv: list[str], log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextlib.contextmanager
def running_network(
    directory: Path,
    offers: dict[str, dict[str, int]],
    ttl_s: float = 900.0,
    web_env: Mapping[str, str] | None = None,
    web_port: int = 0,
) -> Iterator[Network]:
    """Starts a central (operator key by environment), opens a month with ``offers``, starts the web node.

    ``web_env`` adds to the web node's environment (a launcher's join card, for instance);
    ``web_port`` fixes its port (0: a free one).
    """
    env = {**node_env(), "DISTRIBUTION_OPERATOR_KEY": OPERATOR_KEY}
    central_port, web_port = free_port(), web_port or free_port()
    central = f"127.0.0.1:{central_port}"
    central_argv = [sys.executable, "-m", "central", "--port", str(central_port)]
    central_argv += ["--db", f"sqlite+aiosqlite:///{directory / 'central.sqlite3'}"]
    central_argv += ["--reservation-ttl-seconds", str(ttl_s)]
    web_argv = [sys.executable, "-m", "web_node", "--central", central, "--port", str(web_port)]
    web_argv += ["--poll-interval", "0.25"]
    with _process(central_argv, directory / "central.log", env) as central_process:
        _in_thread(wait_until_serving(central, timeout_s=STARTUP_S))
        lines = _in_thread(_open_month(central, offers))
        with _process(web_argv, directory / "web.log", {**env, **(web_env or {})}) as web:
            url = f"http://127.0.0.1:{web_port}"
            _wait_for_http(url + "/", web)
            yield Network(central, url, lines, central_process, web)


async def _buy_when_free(central: str, line_id: int, quantity: int, key: str, timeout_s: float) -> None:
    async with open_channel(central) as channel:
        stubs = Stubs.on(channel)
        buyer = await register(stubs, f"buyer-{key}")

        async def added() -> bool:
            """Puts the units in the cart; False while they are still held (FAILED_PRECONDITION)."""
            try:
                await add(stubs, buyer, line_id, quantity)
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.FAILED_PRECONDITION:
                    raise
                return False
            return True

        await until(added, timeout_s, f"{quantity} units of line {line_id} free again", interval_s=0.1)
        await checkout(stubs, buyer, f"browser-test-{key}")


def buy_when_free(network: Network, product: str, quantity: int, key: str, timeout_s: float = 20.0) -> None:
    """Buys ``quantity`` units once they are free again (someone's hold expired), within ``timeout_s``."""
    _in_thread(_buy_when_free(network.central, network.lines[product], quantity, key, timeout_s))
